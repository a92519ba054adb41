/// Go `time.Duration` strings as cert-manager writes them (`2160h`, `720h0m0s`, `90m`, `1h30m`, `45s`).
public enum GoDuration {
    /// Seconds, or nil when the text is not a duration.
    public static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var number = ""
        var sawUnit = false
        var chars = Array(text.trimmingSpaces)
        if chars.isEmpty { return nil }
        var negative = false
        if chars.first == "-" { negative = true; chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isNumber || c == "." {
                number.append(c)
                i += 1
                continue
            }
            var unit = String(c)
            if i + 1 < chars.count, (c == "m" && chars[i + 1] == "s") || ((c == "u" || c == "µ" || c == "n") && chars[i + 1] == "s") {
                unit.append(chars[i + 1])
                i += 1
            }
            i += 1
            guard let n = Double(number) else { return nil }
            number = ""
            sawUnit = true
            switch unit {
            case "h": total += n * 3600
            case "m": total += n * 60
            case "s": total += n
            case "ms": total += n / 1000
            case "us", "µs": total += n / 1_000_000
            case "ns": total += n / 1_000_000_000
            default: return nil
            }
        }
        if !number.isEmpty {
            // A bare "0" is a valid duration; other bare numbers are not.
            guard number == "0" else { return nil }
        }
        if !sawUnit && number != "0" { return nil }
        return negative ? -total : total
    }
}
