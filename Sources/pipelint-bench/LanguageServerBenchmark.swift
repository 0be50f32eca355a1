import Foundation
import JSONRPC
import LanguageServer
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `pipelint-bench lsp`: the language server's latency on a 1,000-line pipeline — from
/// the end of the debounce to `publishDiagnostics` written — over 100 edits, p50 and p99,
/// against the same file linted without the server (the baseline: `Linter.lint` alone).
enum LanguageServerBenchmark {
    final class Samples: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds: [Int: Double] = [:]
        let published = DispatchSemaphore(value: 0)
        func add(_ version: Int, _ s: Double) {
            lock.lock()
            seconds[version] = s
            lock.unlock()
            published.signal()
        }
        func value(_ version: Int) -> Double? {
            lock.lock()
            defer { lock.unlock() }
            return seconds[version]
        }
    }

    static func run(edits: Int = 100) {
        let text = pipelineOfAbout(lines: 1000)
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let samples = Samples()
        let written = ByteCounter()
        let server = LanguageServer(sink: MessageSink { written.add($0.count) }, options: .init(debounce: 0.01)) { _ in }
        server.onPublish = { _, version, s in samples.add(version, s) }
        let uri = "file:///nonexistent/bench.yaml"
        server.receive(.success(.request(id: .int(1), method: "initialize", params: ["capabilities": [:]])))
        server.receive(.success(.notification(method: "initialized", params: [:])))
        server.receive(.success(.notification(method: "textDocument/didOpen", params: [
            "textDocument": ["uri": .string(uri), "languageId": "yaml", "version": 0, "text": .string(text)]])))
        samples.published.wait()
        // Each edit rewrites one digit of one array's seed, the kind of change typing makes.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let seedLines = lines.indices.filter { lines[$0].contains("seed: ") }
        var latencies: [Double] = []
        for v in 1...edits {
            let line = seedLines[v % seedLines.count]
            guard let seedAt = lines[line].range(of: "seed: ")?.upperBound else { continue }
            let character = lines[line].utf16.distance(from: lines[line].startIndex, to: seedAt)
            let range: JSON = ["start": ["line": .number(line), "character": .number(character)],
                               "end": ["line": .number(line), "character": .number(character + 1)]]
            server.receive(.success(.notification(method: "textDocument/didChange", params: [
                "textDocument": ["uri": .string(uri), "version": .number(v)],
                "contentChanges": [["range": range, "text": .string(String(v % 10))]]])))
            samples.published.wait()
            if let s = samples.value(v) { latencies.append(s) }
        }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)] * 1000 }
        print("lsp: \(lineCount)-line pipeline, \(latencies.count) edits, end of debounce → publishDiagnostics written")
        print(String(format: "  p50 %.2f ms   p99 %.2f ms   max %.2f ms   (%d bytes of protocol written)", pct(0.5), pct(0.99), (latencies.last ?? 0) * 1000, written.total))
        // Baseline: `Linter.lint` alone on the same text (what `check` does for the file), and the
        // server's other parts one by one, sequentially: the front end again (run beside the linter
        // in the server), the whole analysis, and the diagnostics written as JSON.
        let linter = Linter(rules: makeAllRules())
        let source = SourceFile(path: "bench.yaml", text: text)
        let document = TextDocument(uri: uri, version: 0, text: text)
        let base = median(edits) { _ = linter.lint(source) }
        let frontEnd = median(edits) { _ = LoadedPipeline.load(source) }
        let analysis = DocumentAnalysis(document, configuration: Configuration(), rules: makeAllRules())
        let whole = median(edits) { _ = DocumentAnalysis(document, configuration: Configuration(), rules: makeAllRules()) }
        let json = median(edits) { _ = LanguageServer.diagnosticsMessage(analysis, encoding: .utf16) }
        // CPU time of this thread: what the work costs without waiting for a core (the machine is shared).
        let baseCPU = median(edits, clock: CLOCK_THREAD_CPUTIME_ID) { _ = linter.lint(source) }
        let frontEndCPU = median(edits, clock: CLOCK_THREAD_CPUTIME_ID) { _ = LoadedPipeline.load(source) }
        let jsonCPU = median(edits, clock: CLOCK_THREAD_CPUTIME_ID) { _ = LanguageServer.diagnosticsMessage(analysis, encoding: .utf16) }
        print(String(format: "  baseline Linter.lint p50 %.2f ms; server p50 / baseline = %.2f", base, pct(0.5) / base))
        print(String(format: "  CPU time (p50): Linter.lint %.2f ms, front end again %.2f ms, diagnostics JSON %.2f ms", baseCPU, frontEndCPU, jsonCPU))
        print(String(format: "  parts (p50): front end again %.2f ms, whole analysis %.2f ms, diagnostics as framed JSON %.2f ms", frontEnd, whole, json))
        print("  target: p50 under 20 ms")
    }

    /// Median milliseconds of `body` over `n` runs, on `clock`.
    static func median(_ n: Int, clock: clockid_t = CLOCK_MONOTONIC, _ body: () -> Void) -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(clock, &t)
            return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
        }
        var xs: [Double] = []
        for _ in 0..<n {
            let t0 = now()
            body()
            xs.append(now() - t0)
        }
        xs.sort()
        return xs[xs.count / 2]
    }

    /// The generated benchmark pipeline with enough groups for `lines` lines.
    static func pipelineOfAbout(lines: Int) -> String {
        var groups = lines / 6
        while true {
            let text = generatePipeline(groups: groups, name: "lsp")
            if text.split(separator: "\n").count >= lines { return text }
            groups += 1
        }
    }

    final class ByteCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add(_ k: Int) {
            lock.lock()
            n += k
            lock.unlock()
        }
        var total: Int {
            lock.lock()
            defer { lock.unlock() }
            return n
        }
    }
}
