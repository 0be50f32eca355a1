import Foundation

/// File names that are not valid UTF-8. A Swift `String` cannot hold them, so such
/// a name is shown with `\xFF` escapes for its invalid bytes, and that shown form is
/// mapped back to the real bytes whenever the file is opened.
public enum RawPaths {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var table: [String: [UInt8]] = [:]

    /// The shown form of `raw` (registered when it is not valid UTF-8).
    public static func display(_ raw: [UInt8]) -> String {
        if let s = String(validating: raw, as: UTF8.self) { return s }
        var out = ""
        var i = 0
        while i < raw.count {
            // The longest valid UTF-8 sequence at i, else one escaped byte.
            var decoded: String?
            for n in stride(from: min(4, raw.count - i), through: 1, by: -1) {
                if let s = String(validating: raw[i..<(i + n)], as: UTF8.self), s.unicodeScalars.count == 1 {
                    decoded = s
                    i += n
                    break
                }
            }
            if let decoded {
                out += decoded
            } else {
                out += String(format: "\\x%02X", raw[i])
                i += 1
            }
        }
        register(out, raw: raw)
        return out
    }

    /// Maps shown path `path` to the real bytes `raw`.
    public static func register(_ path: String, raw: [UInt8]) {
        lock.lock()
        table[path] = raw
        lock.unlock()
    }

    /// The bytes to open for a path: the registered real name, or its UTF-8.
    public static func raw(for path: String) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return table[path] ?? Array(path.utf8)
    }

    /// Calls `body` with the NUL-terminated real name of `path`.
    public static func withCString<T>(_ path: String, _ body: (UnsafePointer<CChar>) -> T) -> T {
        let bytes = raw(for: path).map { CChar(bitPattern: $0) } + [0]
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// A command-line argument as given: arguments that are not valid UTF-8 reach
    /// Swift with U+FFFD in place of their bytes; the real bytes come from argv.
    public static func argument(_ decoded: String) -> String {
        guard decoded.unicodeScalars.contains("\u{FFFD}") else { return decoded }
        for i in 0..<Int(CommandLine.argc) {
            guard let p = CommandLine.unsafeArgv[i] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
            if String(validating: bytes, as: UTF8.self) == nil, String(decoding: bytes, as: UTF8.self) == decoded {
                return display(bytes)
            }
        }
        return decoded
    }
}
