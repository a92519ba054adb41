# syntax=docker/dockerfile:1
# SyncGate container image: `docker build -t ghcr.io/syncgate/syncgate:latest .`
# (ghcr.io/syncgate/syncgate is a placeholder registry name: tag and push it wherever you publish images.)

# --- build: Swift toolchain on Debian 12 (bookworm) plus the headers of the system libraries SyncGate links ---
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev libcurl4-openssl-dev libssl-dev curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies first so source edits do not refetch them.
COPY Package.swift Package.resolved ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product syncgate \
 && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/syncgate" /out/syncgate
# `syncgate plan` renders kustomize sources with `kubectl kustomize`: ship kubectl (a static binary), checksum-verified.
ARG KUBECTL_VERSION=v1.32.4
ARG TARGETARCH=amd64
RUN curl -fsSLo /out/kubectl "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl" \
 && echo "$(curl -fsSL "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl.sha256")  /out/kubectl" | sha256sum -c - \
 && chmod 0755 /out/kubectl

# --- runtime: slim Debian with only the shared libraries the binary needs (PipelinesTests checks them with ldd) ---
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libc6 libgcc-s1 libstdc++6 libcurl4 libssl3 libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 syncgate \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin syncgate
COPY --from=build /out/syncgate /usr/local/bin/syncgate
COPY --from=build /out/kubectl /usr/local/bin/kubectl
USER 65532:65532
WORKDIR /work
# 9464: `syncgate metrics --listen 0.0.0.0:9464` (Prometheus /metrics).
EXPOSE 9464
ENTRYPOINT ["/usr/local/bin/syncgate"]
CMD ["--help"]
