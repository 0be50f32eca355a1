import Foundation

/// One sample of memory over time.
public struct MemorySample: Sendable {
    /// Seconds since the run started.
    public var time: Double
    /// Resident set size of this process (from /proc/self/statm), bytes.
    public var rss: Int
    /// Accounted bytes per worker (stores, decoded objects, task definitions).
    public var workers: [Int]
    /// Sum over workers.
    public var accounted: Int { workers.reduce(0, +) }
}

/// A run's memory timeline, sampled at a fixed interval.
public struct MemoryTimeline: Sendable {
    public var interval: Double
    public var samples: [MemorySample]

    /// Peak RSS and peak accounted bytes across the samples.
    public var peakRSS: Int { samples.map(\.rss).max() ?? 0 }
    public var peakAccounted: Int { samples.map(\.accounted).max() ?? 0 }

    /// `time_s,rss_bytes,accounted_bytes,worker0_bytes,…`
    public func csv() -> String {
        let n = samples.first?.workers.count ?? 0
        var s = "time_s,rss_bytes,accounted_bytes" + (0..<n).map { ",worker\($0)_bytes" }.joined() + "\n"
        for x in samples {
            s += String(format: "%.4f", x.time) + ",\(x.rss),\(x.accounted)" + x.workers.map { ",\($0)" }.joined() + "\n"
        }
        return s
    }

    /// The same as JSON: `{"interval_s": …, "samples": [{"t": …, "rss": …, "accounted": …, "workers": […]}]}`.
    public func json() -> [String: Any] {
        ["interval_s": interval,
         "samples": samples.map { ["t": ($0.time * 10000).rounded() / 10000, "rss": $0.rss, "accounted": $0.accounted, "workers": $0.workers] as [String: Any] }]
    }
}

/// Reads this process's resident set size.
public enum ResidentMemory {
    /// RSS in bytes from /proc/self/statm (0 where it does not exist).
    public static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let parts = text.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Hands the heap the process freed back to the system (glibc's `malloc_trim`), so a
    /// run that follows another starts from what is really in use.
    public static func returnFreedMemory() {
        // `malloc_trim` is not in Swift's Glibc module map: looked up by name.
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    }
}

/// An SVG line chart of memory over time, in the manner of Dask's
/// `MemorySampler.plot()`: one line per labelled run, time on x, MiB on y.
public enum MemoryChart {
    /// A labelled series of (seconds, bytes).
    public struct Line: Sendable {
        public var label: String
        public var points: [(Double, Int)]
        public init(label: String, points: [(Double, Int)]) {
            self.label = label
            self.points = points
        }
    }

    public static func svg(title: String, subtitle: String, lines: [Line]) -> String {
        let w = 720.0, h = 400.0, left = 70.0, right = 20.0, top = 56.0, bottom = 50.0
        let maxT = max(lines.flatMap { $0.points.map(\.0) }.max() ?? 1, 1e-3)
        let maxB = Double(max(lines.flatMap { $0.points.map(\.1) }.max() ?? 1, 1))
        let mib = 1024.0 * 1024.0
        let yMax = niceCeiling(maxB / mib)
        func x(_ t: Double) -> Double { left + t / maxT * (w - left - right) }
        func y(_ b: Double) -> Double { h - bottom - b / mib / yMax * (h - top - bottom) }
        let colors = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e"]
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(w / 2))" y="20" text-anchor="middle" font-size="15">\(escape(title))</text>
        <text x="\(Int(w / 2))" y="38" text-anchor="middle" fill="#555">\(escape(subtitle))</text>

        """
        for k in 0...4 {
            let v = yMax * Double(k) / 4
            let yy = y(v * mib)
            s += "<line x1=\"\(f(left))\" y1=\"\(f(yy))\" x2=\"\(f(w - right))\" y2=\"\(f(yy))\" stroke=\"#ddd\"/>\n"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(String(format: "%g", v))</text>\n"
        }
        for k in 0...4 {
            let t = maxT * Double(k) / 4
            s += "<text x=\"\(f(x(t)))\" y=\"\(f(h - bottom + 18))\" text-anchor=\"middle\">\(String(format: "%.2g", t))</text>\n"
        }
        s += "<text x=\"\(f((left + w - right) / 2))\" y=\"\(f(h - 10))\" text-anchor=\"middle\">elapsed time (s)</text>\n"
        s += "<text transform=\"translate(16 \(f((top + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">memory (MiB)</text>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(h - bottom))\" x2=\"\(f(w - right))\" y2=\"\(f(h - bottom))\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(h - bottom))\" stroke=\"black\"/>\n"
        for (i, line) in lines.enumerated() {
            let c = colors[i % colors.count]
            let pts = line.points.map { "\(f(x($0.0))),\(f(y(Double($0.1))))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\" points=\"\(pts)\"/>\n"
            let ly = top + 6 + Double(i) * 18
            s += "<line x1=\"\(f(left + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + 36))\" y2=\"\(f(ly))\" stroke=\"\(c)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(f(left + 42))\" y=\"\(f(ly + 4))\">\(escape(line.label))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    static func f(_ d: Double) -> String { String(format: "%.1f", d) }

    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let p = pow(10, floor(log10(v)))
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * p >= v { return m * p }
        return 10 * p
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
