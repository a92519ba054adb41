import Foundation
import SyncGateCore
import SyncGateX509

/// SyncGate's placeholder Secrets: labelled `syncgate.dev/placeholder: "true"` and annotated with the SHA-256 of
/// the placeholder certificate. cert-manager keeps foreign labels when it writes the issued certificate, so a
/// Secret is still a placeholder only while its `tls.crt` is the recorded one.
public enum Placeholder {
    public static let label = "syncgate.dev/placeholder"
    public static let fingerprintAnnotation = "syncgate.dev/placeholder-sha256"

    public static func isPlaceholder(_ secret: Value?) -> Bool {
        guard let secret, secret[path: "metadata", "labels", label]?.scalarText == "true" else { return false }
        guard let recorded = secret[path: "metadata", "annotations", fingerprintAnnotation]?.scalarText else { return true }
        return leafFingerprint(secret) == recorded
    }

    public static func leafFingerprint(_ secret: Value) -> String? {
        guard let b64 = secret[path: "data", "tls.crt"]?.scalarText, let pem = Data(base64Encoded: b64),
              let leaf = try? SyncGateX509.Certificate.parseBundle(pem: String(decoding: pem, as: UTF8.self)).first else { return nil }
        return leaf.sha256Fingerprint
    }
}
