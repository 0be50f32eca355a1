import Foundation

/// Where progress goes: a one-line bar on a terminal, plain lines otherwise, or nothing.
public final class ProgressDisplay: @unchecked Sendable {
    public enum Style: Sendable { case bar, lines, quiet }
    let style: Style
    let write: @Sendable (String) -> Void
    let lineInterval: Double
    // Touched only from the executor's monitor thread.
    var lastLine = -1.0
    var drewBar = false

    /// A display writing with `write` (stderr in the CLI); plain lines every `lineInterval` seconds.
    public init(style: Style, lineInterval: Double = 2, write: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.lineInterval = lineInterval
        self.write = write
    }

    /// `[#####.....]  512/1000 tasks  12.3k tasks/s  ETA 0.1s`
    public static func text(done: Int, total: Int, elapsed: Double, width: Int = 30) -> String {
        let frac = total == 0 ? 1 : Double(done) / Double(total)
        let filled = min(width, Int(frac * Double(width)))
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done)/\(total) tasks  \(rateText(rate)) tasks/s  ETA \(durationText(eta))"
    }

    static func rateText(_ r: Double) -> String {
        r >= 1e6 ? String(format: "%.1fM", r / 1e6) : r >= 1e3 ? String(format: "%.1fk", r / 1e3) : String(format: "%.0f", r)
    }

    /// `0.4s`, `12s`, `3m05s`.
    public static func durationText(_ s: Double) -> String {
        if s < 10 { return String(format: "%.1fs", s) }
        if s < 60 { return String(format: "%.0fs", s) }
        return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }

    public func update(done: Int, total: Int, elapsed: Double) {
        switch style {
        case .quiet: return
        case .bar:
            write("\r" + Self.text(done: done, total: total, elapsed: elapsed) + "\u{1B}[K")
            drewBar = true
        case .lines:
            if lastLine < 0 || elapsed - lastLine >= lineInterval {
                lastLine = elapsed
                write(Self.text(done: done, total: total, elapsed: elapsed) + "\n")
            }
        }
    }

    public func finish(done: Int, total: Int, elapsed: Double) {
        switch style {
        case .quiet: return
        case .bar:
            write("\r" + Self.text(done: done, total: total, elapsed: elapsed) + "\u{1B}[K\n")
        case .lines:
            write(Self.text(done: done, total: total, elapsed: elapsed) + "\n")
        }
    }
}
