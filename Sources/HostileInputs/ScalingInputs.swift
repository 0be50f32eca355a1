/// Inputs whose cost must grow at most linearly with their size `n`, shared by
/// `Tests/HostileInputTests` and `pipelint-bench hostile-scaling`.
public enum ScalingInputs {
    /// A step and an output whose names are `n` bytes long and differ in their last
    /// byte: the unknown output asks for a "did you mean" among the steps. The names
    /// are explicit keys (`? name`): libyaml refuses implicit keys over 1024 bytes.
    public static func longNames(_ n: Int) -> String {
        let base = String(repeating: "a", count: max(1, n / 2))
        return """
            pipeline: long-names
            version: 1
            arrays:
              x: {shape: [10], chunks: [5], dtype: int64}
            steps:
              ? \(base)x
              : {reduce: sum, over: x}
            outputs:
              ? \(base)y
              : compute

            """
    }

    /// An object whose literal value is a mapping of `n` keys.
    public static func manyKeys(_ n: Int) -> String {
        var s = "pipeline: many-keys\nversion: 1\nobjects:\n  o: {value: {"
        s.reserveCapacity(n * 16 + 200)
        for i in 0..<n { s += i == 0 ? "k0: 0" : ", k\(i): \(i)" }
        s += "}}\narrays:\n  x: {shape: [10], chunks: [5], dtype: int64}\nsteps:\n  s: {reduce: sum, over: x}\noutputs:\n  s: compute\n"
        return s
    }

    /// A glob with `stars` stars that backtracks exponentially on a naive matcher,
    /// and a path of `length` `a`s that it does not match.
    public static func backtrackingGlob(stars: Int, length: Int) -> (pattern: String, path: String) {
        (String(repeating: "*a", count: stars) + "*b", String(repeating: "a", count: length))
    }
}
