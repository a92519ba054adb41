import Foundation
import SyncGateProbes
import SyncGateTestSupport
import SyncGateX509

// syncgate-check-bench: `syncgate check --only dns,tls` on N hostnames served by one nginx (SNI) and one dnsmasq,
// against the seed-004 approach (a sequential `dig` + `openssl s_client` loop over the same hosts), both timed in
// one run; prints the ratio and whether the verdicts are identical.
//
//   swift build -c release --product syncgate && swift run -c release syncgate-check-bench [--hosts 500] [--in-process]
CurlHTTPClient.globalInit()
let code = await CheckBenchmark(arguments: Array(CommandLine.arguments.dropFirst())).run()
exit(code)
