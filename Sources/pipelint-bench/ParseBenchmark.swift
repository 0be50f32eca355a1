import CYAML
import Foundation
import Lint
import PipelineIR
import PipelineYAML

/// Front-end throughput on a ~50 MB pipeline against raw libyaml event parsing
/// of the same bytes, and peak memory against the file size.
enum ParseBenchmark {
    /// The benchmark files hold millions of YAML nodes: past the default `limits.max-nodes`, which
    /// a trusted configuration raises the same way.
    static let limits = ParseLimits(maxNodes: Int.max)

    static func rawLibyamlEvents(_ bytes: [UInt8]) -> Int {
        var events = 0
        bytes.withUnsafeBufferPointer { buf in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1, let base = buf.baseAddress else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, base, buf.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                events += 1
                if done { break }
            }
        }
        return events
    }

    /// Raw libyaml then the front end on the same inputs, `rounds` times in turn; the best
    /// CPU time of each (this thread's, user + system: time spent waiting for a core on a
    /// loaded machine is not counted). Interleaving puts both sides of the ratio under the same load.
    static func interleaved(rounds: Int, raw: () -> Void, full: () -> Void) -> (raw: Double, full: Double) {
        var best = (raw: Double.infinity, full: Double.infinity)
        for _ in 0..<max(1, rounds) {
            best.raw = min(best.raw, threadCPUTime(raw))
            best.full = min(best.full, threadCPUTime(full))
        }
        return best
    }

    /// Each of `sides` in turn, `rounds` times; the best CPU time of each, in order.
    static func interleaved(rounds: Int, _ sides: [() -> Void]) -> [Double] {
        var best = [Double](repeating: .infinity, count: sides.count)
        for _ in 0..<max(1, rounds) {
            for (i, side) in sides.enumerated() { best[i] = min(best[i], threadCPUTime(side)) }
        }
        return best
    }

    /// The CPU time this thread spends in `body`, in seconds.
    static func threadCPUTime(_ body: () -> Void) -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = now()
        body()
        return now() - start
    }

    /// The front end's share of raw libyaml's throughput on many small pipelines (`check-files`'
    /// 500 files, each parsed on its own), interleaved as in `interleaved`.
    static func smallFiles(rounds: Int) -> (bytes: Int, raw: Double, full: Double) {
        let texts = FixBenchmark.texts(fixes: false)
        let byteArrays = texts.map { Array($0.utf8) }
        let sources = byteArrays.enumerated().map { SourceFile(path: "p\($0.offset).yaml", bytes: $0.element) }
        let t = interleaved(rounds: rounds,
                            raw: { for b in byteArrays { _ = rawLibyamlEvents(b) } },
                            full: { for s in sources { _ = LoadedPipeline.load(s, limits: ParseBenchmark.limits) } })
        return (byteArrays.reduce(0) { $0 + $1.count }, t.raw, t.full)
    }

    /// The syntax tree alone on the same 500 files: raw libyaml, the tree as parsed (fast scanner,
    /// libyaml when it bails), the tree through libyaml's events; and how many files the scanner accepts.
    static func smallFileTrees(rounds: Int) -> (raw: Double, tree: Double, libyamlTree: Double, accepted: Int, files: Int) {
        let sources = FixBenchmark.texts(fixes: false).enumerated().map { SourceFile(path: "p\($0.offset).yaml", bytes: Array($0.element.utf8)) }
        let accepted = sources.filter { YAMLParser.parseFast($0, limits: ParseBenchmark.limits) != nil }.count
        let t = interleaved(rounds: rounds, [{ for s in sources { _ = rawLibyamlEvents(s.bytes) } },
                                             { for s in sources { _ = YAMLParser.parse(s, limits: ParseBenchmark.limits) } },
                                             { for s in sources { _ = YAMLParser.parseWithLibyaml(s, limits: ParseBenchmark.limits) } }])
        return (t[0], t[1], t[2], accepted, sources.count)
    }

    /// How much each stage of the front end keeps resident: VmRSS after the syntax tree, after
    /// lowering and after the graph builder, each result kept alive as `LoadedPipeline` keeps it.
    static func memoryByStage(_ source: SourceFile) -> (tree: Int, model: Int, graph: Int) {
        let start = procStatus("VmRSS")
        let parsed = YAMLParser.parse(source, limits: ParseBenchmark.limits)
        let afterTree = procStatus("VmRSS")
        let lowered = Lowering.lower(parsed.tree, source: source)
        let afterModel = procStatus("VmRSS")
        var afterGraph = afterModel
        if let p = lowered.pipeline {
            let built = GraphBuilder.build(p)
            afterGraph = procStatus("VmRSS")
            withExtendedLifetime(built) {}
        }
        withExtendedLifetime((parsed, lowered)) {}
        return (afterTree - start, afterModel - afterTree, afterGraph - afterModel)
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    static func run(rounds: Int = 3) {
        let text = generatePipeline(groups: 130_000)
        let bytes = Array(text.utf8)
        let size = bytes.count
        print("parse: generated pipeline of \(mb(size)) (130,000 objects, functions, arrays and steps); load average \(loadAverage())")

        var events = 0
        let source = SourceFile(path: "bench.yaml", bytes: bytes)
        var nodes = 0
        let treeOnly = measure { nodes = YAMLParser.parse(source, limits: ParseBenchmark.limits).tree.nodes.count }
        let parsed = YAMLParser.parse(source, limits: ParseBenchmark.limits)
        var lowered: Lowering.Result?
        let lowerTime = measure(repeats: 1) { lowered = Lowering.lower(parsed.tree, source: source) }
        var graphTime = 0.0
        if let p = lowered?.pipeline { graphTime = measure(repeats: 1) { _ = GraphBuilder.build(p) } }
        print("  (lowering alone: \(String(format: "%.3f", lowerTime)) s; graph builder alone: \(String(format: "%.3f", graphTime)) s)")
        if let p = lowered?.pipeline {
            // The builder reading the lowering's name positions, and looking every name up instead.
            var unhinted = p
            unhinted.referenceHints = ReferenceHints()
            let t = interleaved(rounds: rounds, [{ _ = GraphBuilder.build(p) }, { _ = GraphBuilder.build(unhinted) }])
            print("  graph builder: \(String(format: "%.3f", t[0])) s CPU; looking every name up instead of the lowering's positions: \(String(format: "%.3f", t[1])) s CPU (best of \(rounds))")
        }
        var diags = -1
        resetPeakRSS()
        let before = procStatus("VmRSS")
        _ = measure(repeats: 1) {
            let loaded = LoadedPipeline.load(source, limits: ParseBenchmark.limits)
            diags = loaded.diagnostics.count
            precondition(loaded.graph != nil)
        }
        let peak = procStatus("VmHWM") - before
        let stages = memoryByStage(source)
        // Raw libyaml, the syntax tree alone and the whole front end, in turn: all three under the same load.
        // The tree through libyaml's events too: what the fast scanner replaces, when it accepts the file.
        let fastAccepts = YAMLParser.parseFast(source, limits: ParseBenchmark.limits) != nil
        let best = interleaved(rounds: rounds, [{ events = rawLibyamlEvents(bytes) },
                                                { nodes = YAMLParser.parse(source, limits: ParseBenchmark.limits).tree.nodes.count },
                                                { precondition(LoadedPipeline.load(source, limits: ParseBenchmark.limits).graph != nil) },
                                                { _ = YAMLParser.parseWithLibyaml(source, limits: ParseBenchmark.limits) }])
        let (raw, treeCPU, full, libyamlTree) = (best[0], best[1], best[2], best[3])
        var settings = LintSettings.default
        settings.parseLimits = ParseBenchmark.limits
        let lintTime = measure(repeats: 1) { _ = Linter(rules: [], settings: settings).lint(source) }

        func rate(_ t: Double) -> String { String(format: "%.1f MB/s", Double(size) / 1e6 / t) }
        print("  raw libyaml events (\(events) events):  \(String(format: "%.3f", raw)) s CPU  \(rate(raw))  [baseline]")
        print("  syntax tree (\(nodes) nodes):          \(String(format: "%.3f", treeCPU)) s CPU  \(rate(treeCPU))  \(String(format: "%.0f%%", raw / treeCPU * 100)) of raw (wall, best of 3 before the rounds: \(String(format: "%.3f", treeOnly)) s)")
        print("  syntax tree through libyaml's events:   \(String(format: "%.3f", libyamlTree)) s CPU  \(rate(libyamlTree))  \(String(format: "%.0f%%", raw / libyamlTree * 100)) of raw (fast scanner \(fastAccepts ? "accepts" : "bails on") this file)")
        print("  front end: tree + model + graph:        \(String(format: "%.3f", full)) s CPU  \(rate(full))  \(String(format: "%.0f%%", raw / full * 100)) of raw (\(diags) diagnostics; CPU time, best of \(rounds) interleaved rounds)")
        print("  linter (front end, no rules):           \(String(format: "%.3f", lintTime)) s  \(rate(lintTime))")
        print("  peak memory of the front end: \(mb(peak)) = \(String(format: "%.1f", Double(peak) / Double(size))) × file size (target ≤ 10 ×)")
        print("  resident memory by stage (rise of VmRSS, each kept): tree \(mb(stages.tree)), + model \(mb(stages.model)), + graph \(mb(stages.graph))")
        print("  bytes per value: tree node \(MemoryLayout<SyntaxTree.Node>.stride), layer \(MemoryLayout<Graph.Layer>.stride), object \(MemoryLayout<PipelineObject>.stride), function \(MemoryLayout<PipelineFunction>.stride), array \(MemoryLayout<ArrayDecl>.stride), step \(MemoryLayout<Step>.stride); layer kind \(MemoryLayout<Graph.LayerKind>.stride), call site \(MemoryLayout<CallSite?>.stride), frame \(MemoryLayout<FrameDecl>.stride), merge \(MemoryLayout<FrameMerge>.stride), per-item loop \(MemoryLayout<PerItem?>.stride)")
        let small = smallFiles(rounds: max(rounds, 5))
        print("  many small pipelines (500 files, \(mb(small.bytes))): raw libyaml \(String(format: "%.4f", small.raw)) s, front end \(String(format: "%.4f", small.full)) s (CPU) = \(String(format: "%.0f%%", small.raw / small.full * 100)) of raw")
        let trees = smallFileTrees(rounds: max(rounds, 5))
        print("  small pipelines, syntax tree alone: raw libyaml \(String(format: "%.4f", trees.raw)) s, tree \(String(format: "%.4f", trees.tree)) s = \(String(format: "%.0f%%", trees.raw / trees.tree * 100)) of raw; through libyaml's events \(String(format: "%.4f", trees.libyamlTree)) s = \(String(format: "%.0f%%", trees.raw / trees.libyamlTree * 100)); fast scanner accepts \(trees.accepted) of \(trees.files) files")
        print("  load average after: \(loadAverage())")
    }
}
