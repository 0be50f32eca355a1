/// Human-readable byte counts, in powers of 1024.
public enum ByteFormat {
    /// `56 B`, `236 KiB`, `25 MiB`, `1.2 GiB`; a negative count (a difference) as `-1.5 MiB`.
    public static func text(_ bytes: Int64) -> String {
        if bytes < 0 { return "-" + text(bytes == Int64.min ? Int64.max : -bytes) }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(bytes)
        var i = 0
        while v >= 1024, i < units.count - 1 {
            v /= 1024
            i += 1
        }
        if i == 0 { return "\(bytes) B" }
        if v >= 100 { return "\(Int(v.rounded())) \(units[i])" }
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? "\(Int(r)) \(units[i])" : "\(r) \(units[i])"
    }
}
