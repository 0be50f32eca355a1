import Foundation

/// A scripted editor: runs `pipelint server` and speaks the protocol to it over
/// pipes, as an editor does. Its own framing and JSON handling (Foundation's), so
/// it checks the server rather than sharing its code.
final class LSPClient: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let condition = NSCondition()
    private var received: [Data] = []
    private var consumed = 0
    private var closed = false
    private var nextID = 1

    init(arguments: [String] = ["server"]) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let handle = output.fileHandleForReading
        Thread { [self] in
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let body = Self.takeMessage(&buffer) {
                    condition.lock()
                    received.append(body)
                    condition.broadcast()
                    condition.unlock()
                }
            }
            condition.lock()
            closed = true
            received.append(buffer)  // bytes that are not a whole message (must be none)
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    /// One framed body from the front of `buffer`, if complete.
    static func takeMessage(_ buffer: inout Data) -> Data? {
        guard let end = buffer.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let header = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        guard header.hasPrefix("Content-Length: "), let n = Int(header.dropFirst(16)) else {
            fatalError("unexpected output from the server: \(header)")
        }
        guard buffer.count - (end.upperBound - buffer.startIndex) >= n else { return nil }
        let body = buffer[end.upperBound..<(end.upperBound + n)]
        buffer = Data(buffer[(end.upperBound + n)...])
        return Data(body)
    }

    func write(raw: Data) {
        input.fileHandleForWriting.write(raw)
    }

    func send(_ message: [String: Any]) {
        let body = try! JSONSerialization.data(withJSONObject: message)
        write(raw: Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    func notify(_ method: String, _ params: [String: Any]) {
        send(["jsonrpc": "2.0", "method": method, "params": params])
    }

    /// Sends a request and returns its ID.
    @discardableResult
    func request(_ method: String, _ params: [String: Any]) -> Int {
        let id = nextID
        nextID += 1
        send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        return id
    }

    /// The next message (in arrival order) satisfying `match`; the messages before it are skipped.
    func wait(timeout: Double = 20, _ what: String, _ match: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            while consumed < received.count {
                let data = received[consumed]
                consumed += 1
                if closed, consumed == received.count {
                    if !data.isEmpty { throw ClientError("stray bytes on stdout: \(String(decoding: data, as: UTF8.self))") }
                    continue
                }
                let m = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                if match(m) { return m }
            }
            if closed { throw ClientError("the server closed its output while waiting for \(what)") }
            if !condition.wait(until: deadline) { throw ClientError("timed out waiting for \(what)") }
        }
    }

    /// The response to request `id`.
    func response(_ id: Int) throws -> [String: Any] {
        try wait("the response to \(id)") { ($0["id"] as? Int) == id && $0["method"] == nil }
    }

    /// Sends a request and waits for its result (an error response throws).
    func call(_ method: String, _ params: [String: Any]) throws -> Any? {
        let r = try response(request(method, params))
        if let e = r["error"] { throw ClientError("\(method) failed: \(e)") }
        return r["result"]
    }

    /// The next diagnostics published for `uri`.
    func diagnostics(_ uri: String, version: Int? = nil) throws -> [[String: Any]] {
        let m = try wait("diagnostics of \(uri) \(version.map(String.init) ?? "")") {
            guard $0["method"] as? String == "textDocument/publishDiagnostics", let p = $0["params"] as? [String: Any],
                  p["uri"] as? String == uri else { return false }
            return version == nil || p["version"] as? Int == version
        }
        return (m["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]] ?? []
    }

    /// Every message received so far (for assertions about what was never sent).
    func all() throws -> [[String: Any]] {
        condition.lock()
        defer { condition.unlock() }
        return try received.filter { !$0.isEmpty }.compactMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Waits for the process to end and returns its status.
    func waitForExit(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw ClientError("the server did not exit")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return process.terminationStatus
    }

    var stderrText: String { String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self) }
}

struct ClientError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Editor-side text handling: applying the server's edits with positions in UTF-16 or UTF-8.
enum EditorText {
    /// The String index of a protocol position.
    static func index(_ text: String, line: Int, character: Int, utf8: Bool) -> String.Index {
        var lineStart = text.startIndex
        for _ in 0..<line {
            guard let nl = text[lineStart...].firstIndex(of: "\n") else { return text.endIndex }
            lineStart = text.index(after: nl)
        }
        if utf8 { return text.utf8.index(lineStart, offsetBy: character) }
        return text.utf16.index(lineStart, offsetBy: character)
    }

    static func position(_ p: Any?) -> (Int, Int) {
        let d = p as? [String: Any] ?? [:]
        return (d["line"] as? Int ?? -1, d["character"] as? Int ?? -1)
    }

    static func range(_ r: Any?) -> [Int] {
        let d = r as? [String: Any] ?? [:]
        let s = position(d["start"])
        let e = position(d["end"])
        return [s.0, s.1, e.0, e.1]
    }

    /// Applies text edits (non-overlapping, any order) as an editor does: from the last to the first.
    static func apply(_ edits: [[String: Any]], to text: String, utf8: Bool = false) -> String {
        var out = text
        let sorted = edits.sorted { range($0["range"]).lexicographicallyPrecedes(range($1["range"])) }
        for e in sorted.reversed() {
            let r = range(e["range"])
            let a = index(out, line: r[0], character: r[1], utf8: utf8)
            let b = index(out, line: r[2], character: r[3], utf8: utf8)
            out.replaceSubrange(a..<b, with: e["newText"] as? String ?? "")
        }
        return out
    }
}
