import PipelineIR

/// Turns a syntax tree into a `Pipeline`, collecting every problem at once
/// (unknown keys with suggestions, wrong types, missing keys, dangling
/// references, cycles, arities, field paths, kernel parameter kinds, shapes).
public enum Lowering {
    /// The outcome: a pipeline when the file is valid enough to analyse, and the diagnostics.
    public struct Result: Sendable {
        public var pipeline: Pipeline?
        public var diagnostics: [Diagnostic]
    }

    /// Lowers a parsed file. A pipeline with error diagnostics is still returned
    /// when it could be built, but callers must not analyse it further.
    public static func lower(_ tree: SyntaxTree, source: SourceFile) -> Result {
        var l = Lowerer(tree: tree, source: source)
        let p = l.lowerRoot()
        return Result(pipeline: l.hasErrors ? nil : p, diagnostics: l.diagnostics)
    }

    /// Whether the document's top level is a mapping with a `pipeline` key
    /// (what a directory scan uses to tell pipelines from other YAML).
    public static func looksLikePipeline(_ tree: SyntaxTree) -> Bool {
        guard let root = tree.root, tree[root].kind == .mapping else { return false }
        return tree.entries(root).contains { tree.scalar($0.key) == "pipeline" }
    }
}

/// A value node together with where the user wrote it (an alias's own range).
struct WrittenValue {
    let id: NodeID
    let at: SourceRange
}

extension Array where Element == Entry {
    /// The first entry whose key is `key` (mappings are small: a scan beats building a table).
    func first(_ key: KnownKey) -> Entry? {
        for e in self where e.code == key { return e }
        return nil
    }
    /// Whether an entry has the key `key`.
    func has(_ key: KnownKey) -> Bool { first(key) != nil }
}

extension Array where Element == KnownKey {
    /// Whether the key `code` stands for is one of these.
    func containsKey(_ code: KnownKey?) -> Bool {
        guard let code else { return false }
        for k in self where k == code { return true }
        return false
    }
    /// The keys as written, in order (for messages).
    var texts: [String] { map(\.rawValue) }
}

/// A mapping entry with a string key: the key's code if the lowering knows it, where its bytes and
/// its text (without quotes) are, and the value. No `String` inside: arrays of entries are plain
/// memory, copied and freed without reference counting.
struct Entry {
    /// The key, when it is one the lowering knows (recognised from its bytes): entries are
    /// matched by this code, never by their text.
    let code: KnownKey?
    /// Where the key's decoded bytes lie in the tree's `scalarBytes`: its text is made only when
    /// asked for (`Lowerer.keyText`), for the names the model keeps and for messages.
    let keyStart: Int32
    let keyCount: Int32
    let keyRange: SourceRange
    let value: WrittenValue
}

struct Lowerer {
    let tree: SyntaxTree
    let source: SourceFile
    var diagnostics: [Diagnostic] = []
    var hasErrors = false

    /// The sections that declare names; a name is unique across all of them.
    enum Section: String {
        case objects = "`objects`", functions = "`functions`", arrays = "`arrays`", steps = "`steps`", frames = "`frames`"
    }
    /// Declared names, gathered before bodies are lowered so order does not matter:
    /// one table for every section, so each name is hashed once. A name's position is
    /// its place among its section's accepted entries: when every entry lowers, this
    /// table is the pipeline's name index as it is (no second table).
    var names: [String: Pipeline.Positions] = [:]
    /// The name ranges of each section's accepted entries, by position (for "already defined").
    var declaredRanges: [Section: [SourceRange]] = [:]
    /// Steps already reported as broken: their calls are not checked again (no cascades).
    var stepsWithErrors = Set<String>()
    /// The file's minor format version (`version: 1.1` → 1), read before any section.
    var minorVersion = 0
    /// Where the names a step references were found when it was lowered, so the checks after the
    /// lowering need not look them up again: the callee's position (a function, or the object of a
    /// method or callable instance), then the object of each object argument, `args` then `kwargs`.
    /// Flat; `referenceStart[i]` is where lowered step `i`'s begin. A hint is checked against the
    /// name before use (`hintedObject`, `hintedFunction`), so a missing one only costs a lookup.
    var references: [Int32] = []
    var referenceStart: [Int32] = []
    /// Where each lowered step's inputs (`Step.inputs`, in order) were found, packed with their
    /// table (`ReferenceHints.packed`); flat as `references`. Handed to the pipeline with them, so
    /// the graph builder looks no name up either.
    var inputReferences: [Int32] = []
    var inputReferenceStart: [Int32] = []
    /// Where each lowered output's target was found, as `inputReferences`.
    var outputReferences: [Int32] = []

    /// Whether `name` is declared in `section`.
    func isDeclared(_ name: String, in section: Section) -> Bool { names[name]?.section == section }
    /// Whether `name` is declared as an array or a step.
    func isData(_ name: String) -> Bool { names[name]?.section?.isData ?? false }
    /// Whether `name` is declared as an array, a frame or a step; if so, where is recorded as the
    /// next input of the step being lowered (`inputReferences`).
    mutating func isDataInput(_ name: String) -> Bool {
        guard let hint = names[name]?.inputHint else { return false }
        inputReferences.append(hint)
        return true
    }
    /// The names declared in `sections`, section by section (candidates for suggestions).
    func declaredNames(in sections: Section...) -> [String] {
        sections.flatMap { section in names.compactMap { $0.value.section == section ? $0.key : nil } }
    }

    init(tree: SyntaxTree, source: SourceFile) {
        self.tree = tree
        self.source = source
    }

    // MARK: diagnostics

    mutating func error(_ message: String, _ range: SourceRange, help: String? = nil) {
        diagnostics.append(Diagnostic(code: .invalidPipeline, severity: .error, message: message, range: range, help: help))
        hasErrors = true
    }

    // MARK: node access

    func written(_ id: NodeID) -> WrittenValue {
        // One node load for the usual node that is not an alias.
        let n = tree[id]
        return WrittenValue(id: n.kind == .alias ? tree.resolved(id) : id, at: n.range)
    }

    func kindName(_ v: WrittenValue) -> String {
        switch tree[v.id].kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar: return scalar(v)?.typeName ?? "a scalar"
        }
    }

    func scalar(_ v: WrittenValue) -> ScalarValue? {
        let n = tree[v.id]
        guard n.kind == .scalar else { return nil }
        // A plain run of at most 18 digits (sizes, seeds, chunk sizes) is the integer it reads as
        // (`ScalarValue.resolve` would say so too): no string is made for it.
        let start = Int(n.payloadStart), count = Int(n.payloadCount)
        if n.scalarStyle == .plain, n.tag != .str, count > 0, count <= 18 {
            var value: Int64 = 0
            var i = start
            while i < start + count, case let d = tree.scalarBytes[i] &- 0x30, d <= 9 {
                value = value &* 10 &+ Int64(d)
                i += 1
            }
            if i == start + count { return .int(value) }
        }
        guard let text = tree.scalar(v.id) else { return nil }
        return ScalarValue.resolve(text, style: n.scalarStyle, tag: n.tag)
    }

    /// Range of the scalar's text without quotes (for carets and field paths).
    func textRange(_ v: WrittenValue) -> SourceRange {
        let n = tree[v.id]
        guard v.at == n.range, n.kind == .scalar else { return v.at }
        switch n.scalarStyle {
        case .singleQuoted, .doubleQuoted:
            return SourceRange(start: n.range.start + 1, end: max(n.range.start + 1, n.range.end - 1))
        default:
            return n.range
        }
    }

    /// Mapping entries with string keys; reports non-string keys and non-mappings. `keysAreNames`: the keys
    /// are names (of objects, fields, keyword arguments…), never looked up as known keys, so they
    /// are not recognised (`Entry.code` is nil).
    mutating func mapping(_ v: WrittenValue, _ what: @autoclosure () -> String, keysAreNames: Bool = false) -> [Entry]? {
        guard tree[v.id].kind == .mapping else {
            error("\(what()) must be a mapping, not \(kindName(v))", v.at)
            return nil
        }
        var out: [Entry] = []
        out.reserveCapacity(tree.childCount(v.id) / 2)
        for position in tree.keyPositions(v.id) {
            let keyID = tree.children[position]
            let val = tree.children[position + 1]
            // The usual key, a scalar written in place: its node read once.
            let keyNode = tree[keyID]
            if keyNode.kind == .scalar {
                let code = keysAreNames ? nil : recognise(keyNode)
                let quoted = keyNode.scalarStyle == .singleQuoted || keyNode.scalarStyle == .doubleQuoted
                let r = keyNode.range
                let keyRange = quoted ? SourceRange(start: r.start + 1, end: max(r.start + 1, r.end - 1)) : r
                out.append(Entry(code: code, keyStart: keyNode.payloadStart, keyCount: keyNode.payloadCount, keyRange: keyRange, value: self.written(val)))
                continue
            }
            let kv = self.written(keyID)
            // Every scalar key is taken as written (`1:` is the key `1`): no need to resolve it.
            let target = tree[kv.id]
            guard target.kind == .scalar else {
                error("keys in \(what()) must be strings, not \(kindName(kv))", kv.at)
                continue
            }
            out.append(Entry(code: keysAreNames ? nil : recognise(target), keyStart: target.payloadStart, keyCount: target.payloadCount,
                             keyRange: textRange(kv), value: self.written(val)))
        }
        return out
    }

    /// A scalar key node's code, if the lowering knows the key.
    func recognise(_ n: SyntaxTree.Node) -> KnownKey? {
        KnownKey.recognise(tree.scalarBytes, start: Int(n.payloadStart), count: Int(n.payloadCount))
    }

    /// An entry's key as text: a known key's raw value (no string is made), otherwise its bytes decoded.
    func keyText(_ e: Entry) -> String {
        if let code = e.code { return code.rawValue }
        let start = Int(e.keyStart)
        return String(decoding: tree.scalarBytes[start..<(start + Int(e.keyCount))], as: UTF8.self)
    }

    /// Reports keys not in `allowed`, with a suggestion.
    mutating func checkKeys(_ entries: [Entry], allowed: [KnownKey], in what: @autoclosure () -> String) {
        for e in entries where !allowed.containsKey(e.code) {
            let key = keyText(e), texts = allowed.texts
            let hint = suggestion(for: key, among: texts).map { "did you mean `\($0)`?" }
            error("unknown key `\(key)` in \(what())", e.keyRange,
                  help: hint ?? "expected one of: \(texts.map { "`\($0)`" }.joined(separator: ", "))")
        }
    }

    mutating func string(_ v: WrittenValue, _ what: String) -> String? {
        guard let s = scalar(v) else {
            error("\(what) must be a string, not \(kindName(v))", v.at)
            return nil
        }
        switch s {
        case .string(let t): return t
        case .int(let i): return String(i)
        default:
            error("\(what) must be a string, not \(s.typeName)", v.at)
            return nil
        }
    }

    mutating func int(_ v: WrittenValue, _ what: String, min lower: Int64 = 0) -> Int? {
        guard case .int(let i)? = scalar(v) else {
            error("\(what) must be an integer, not \(kindName(v))", v.at)
            return nil
        }
        guard i >= lower else {
            error("\(what) must be at least \(lower), not \(i)", v.at)
            return nil
        }
        return Int(i)
    }

    mutating func number(_ v: WrittenValue, _ what: String) -> Double? {
        switch scalar(v) {
        case .int(let i)?: return Double(i)
        case .float(let d)? where d.isFinite: return d
        case .float?:
            // NaN or ±Infinity: numpy and the export refuse them as bounds; say so here.
            error("\(what) must be a finite number, not `\(String((tree.scalar(v.id) ?? "NaN").prefix(20)))`", v.at)
            return nil
        default:
            error("\(what) must be a number, not \(kindName(v))", v.at)
            return nil
        }
    }

    mutating func size(_ v: WrittenValue, _ what: String) -> Int64? {
        switch scalar(v) {
        case .int(let i)? where i >= 0: return i
        case .string(let s)?:
            if let b = parseByteSize(s) { return b }
            if parseByteSize(s, allowHuge: true) != nil {
                error("\(what) `\(s)` is over the largest supported size (2^63 bytes)", v.at)
            } else {
                error("\(what) `\(s)` is not a size", v.at, help: "write a number of bytes or a size such as `4GiB`, `512 MB`")
            }
            return nil
        case .float(let d)? where d >= 9.2e18:
            error("\(what) is over the largest supported size (2^63 bytes)", v.at)
            return nil
        default:
            error("\(what) must be a size such as `4GiB`, not \(kindName(v))", v.at)
            return nil
        }
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ v: WrittenValue, _ what: String, as _: E.Type) -> E? where E.RawValue == String {
        guard case .string(let s)? = scalar(v) else {
            error("\(what) must be one of \(E.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")), not \(kindName(v))", v.at)
            return nil
        }
        if let e = E(rawValue: s) { return e }
        let options = E.allCases.map(\.rawValue)
        error("unknown \(what) `\(s)`", textRange(v),
              help: suggestion(for: s, among: options).map { "did you mean `\($0)`?" } ?? "expected one of: \(options.map { "`\($0)`" }.joined(separator: ", "))")
        return nil
    }

    mutating func list(_ v: WrittenValue, _ what: String) -> [WrittenValue]? {
        guard tree[v.id].kind == .sequence else {
            error("\(what) must be a list, not \(kindName(v))", v.at)
            return nil
        }
        return tree.items(v.id).map { self.written($0) }
    }

    mutating func identifier(_ v: WrittenValue, _ what: String) -> String? {
        guard let s = string(v, what) else { return nil }
        guard isIdentifier(s) else {
            error("\(what) `\(s)` is not a valid name", textRange(v), help: "names are letters, digits and `_`, not starting with a digit")
            return nil
        }
        return s
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, checked on the UTF-8 bytes.
    func isIdentifier(_ s: String) -> Bool { Self.isIdentifier(s) }

    /// `[A-Za-z_][A-Za-z0-9_]*`, checked on the UTF-8 bytes. Static, so that passing it as a
    /// closure (`PathSyntax.parse`) does not copy the lowerer.
    static func isIdentifier(_ s: String) -> Bool {
        // Over the bytes in place (a name is checked once per declaration and reference):
        // iterating `s.utf8` goes through the string's storage checks on every byte.
        func check<C: Collection<UInt8>>(_ bytes: C) -> Bool {
            var first = true
            for b in bytes {
                let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
                let digit = b >= 0x30 && b <= 0x39
                if !(letter || (!first && digit)) { return false }
                first = false
            }
            return !first
        }
        return s.utf8.withContiguousStorageIfAvailable { check($0) } ?? check(s.utf8)
    }

    /// `s` split at dots, empty parts kept. Most names have no dot and skip the split.
    func dotParts(_ s: String) -> [String] {
        s.utf8.contains(0x2E) ? s.split(separator: ".", omittingEmptySubsequences: false).map(String.init) : [s]
    }

    /// A relative path that stays inside the pipeline's folder.
    mutating func relativePath(_ v: WrittenValue, _ what: String) -> String? {
        guard let s = string(v, what) else { return nil }
        if s.isEmpty || s.hasPrefix("/") || s.hasPrefix("~") || s.contains("\\") || s.contains("\0") {
            error("\(what) `\(s)` must be a relative path inside the pipeline's folder", textRange(v))
            return nil
        }
        var depth = 0
        for part in s.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 {
                error("\(what) `\(s)` escapes the pipeline's folder", textRange(v), help: "keep data files next to the pipeline, or below it")
                return nil
            }
        }
        return s
    }

    mutating func suppressions(_ v: WrittenValue) -> Suppressions? {
        guard let entries = mapping(v, "`lint`") else { return nil }
        checkKeys(entries, allowed: [.ignore, .reason], in: "`lint`")
        var ids: [String] = []
        var reason: String?
        for e in entries {
            switch e.code {
            case .ignore?:
                for item in list(e.value, "`lint.ignore`") ?? [] {
                    guard let id = string(item, "a rule ID") else { continue }
                    if id.count == 5, id.hasPrefix("PL"), id.dropFirst(2).allSatisfy(\.isNumber) {
                        ids.append(id)
                    } else {
                        error("`\(id)` is not a rule ID", textRange(item), help: "rule IDs look like `PL001`; `pipelint rules` lists them")
                    }
                }
            case .reason?: reason = string(e.value, "`lint.reason`")
            default: break
            }
        }
        return Suppressions(ids: ids, reason: reason, range: v.at)
    }

    // MARK: top level

    static let topKeys: [KnownKey] = [.pipeline, .version, .cluster, .objects, .functions, .arrays, .frames, .steps, .outputs, .lint]

    mutating func lowerRoot() -> Pipeline? {
        guard let root = tree.root else {
            error("file is empty; a pipeline needs at least `pipeline`, `version` and `steps`", .at(0))
            return nil
        }
        let rv = written(root)
        guard tree[rv.id].kind == .mapping else {
            error("the top level of a pipeline must be a mapping, not \(kindName(rv))", rv.at)
            return nil
        }
        guard let entries = mapping(rv, "the top level") else { return nil }
        checkKeys(entries, allowed: Self.topKeys, in: "the top level")
        func entry(_ k: KnownKey) -> Entry? { entries.first(k) }
        let rootStart = SourceRange.at(tree[rv.id].range.start)

        var name = ""
        if let e = entry(.pipeline) { name = string(e.value, "`pipeline`") ?? "" } else {
            error("missing required key `pipeline` (the pipeline's name)", rootStart)
        }
        if let e = entry(.version) { lowerVersion(e.value) } else {
            error("missing required key `version`", rootStart, help: "add `version: 1`")
        }
        var cluster = Cluster()
        if let e = entry(.cluster) { cluster = lowerCluster(e.value) }

        // Declare every name first.
        let objectEntries = entry(.objects).flatMap { mapping($0.value, "`objects`", keysAreNames: true) } ?? []
        let functionEntries = entry(.functions).flatMap { mapping($0.value, "`functions`", keysAreNames: true) } ?? []
        let arrayEntries = entry(.arrays).flatMap { mapping($0.value, "`arrays`", keysAreNames: true) } ?? []
        let frameEntries = entry(.frames).flatMap { e in requireVersion12("`frames`", e.keyRange) ? mapping(e.value, "`frames`", keysAreNames: true) : nil } ?? []
        let stepEntries: [Entry]
        if let e = entry(.steps) { stepEntries = mapping(e.value, "`steps`", keysAreNames: true) ?? [] } else {
            error("missing required key `steps`", rootStart)
            stepEntries = []
        }
        names.reserveCapacity(objectEntries.count + functionEntries.count + arrayEntries.count + stepEntries.count)
        let declaredObjects = declare(objectEntries, .objects)
        let declaredFunctions = declare(functionEntries, .functions)
        let declaredArrays = declare(arrayEntries, .arrays)
        let declaredFrames = declare(frameEntries, .frames)
        let declaredSteps = declare(stepEntries, .steps)

        var objects: [PipelineObject] = []
        objects.reserveCapacity(declaredObjects.count)
        for e in declaredObjects {
            if let o = lowerObject(keyText(e), e.keyRange, e.value) { objects.append(o) }
        }
        var functions: [PipelineFunction] = []
        functions.reserveCapacity(declaredFunctions.count)
        for e in declaredFunctions {
            if let f = lowerFunction(keyText(e), e.keyRange, e.value, isMethod: false) { functions.append(f) }
        }
        var arrays: [ArrayDecl] = []
        arrays.reserveCapacity(declaredArrays.count)
        for e in declaredArrays {
            if let a = lowerArray(keyText(e), e.keyRange, e.value) { arrays.append(a) }
        }
        let frames = declaredFrames.compactMap { lowerFrame(keyText($0), $0.keyRange, $0.value, objects: objects) }
        let steps = lowerSteps(declaredSteps)
        var outputs: [Output] = []
        if let e = entry(.outputs), let list = mapping(e.value, "`outputs`", keysAreNames: true) {
            for o in list {
                let mark = outputReferences.count
                if let out = lowerOutput(keyText(o), o.keyRange, o.value) { outputs.append(out) } else { outputReferences.removeSubrange(mark...) }
            }
            checkSavePaths(outputs)
        }
        let supp = entry(.lint).flatMap { suppressions($0.value) }
        // When every declared entry lowered, positions among the accepted entries are positions in
        // the pipeline: its name index is the names table, without hashing every name again.
        let everyEntryLowered = objects.count == declaredObjects.count && functions.count == declaredFunctions.count
            && arrays.count == declaredArrays.count && steps.count == declaredSteps.count && frames.count == declaredFrames.count
        // Moved in, not shared: the checks below write into the steps, which would copy them all.
        var pipeline = Pipeline(name: name, version: 1, cluster: cluster, objects: consume objects, functions: consume functions,
                                arrays: consume arrays, steps: consume steps, outputs: outputs, suppressions: supp,
                                positions: everyEntryLowered ? names : nil)
        pipeline.minorVersion = minorVersion
        pipeline.frames = frames
        // Positions among the accepted entries are the pipeline's only when every entry lowered.
        if everyEntryLowered {
            pipeline.referenceHints = ReferenceHints(inputs: .init(values: inputReferences, start: inputReferenceStart),
                                                     calls: .init(values: references, start: referenceStart), outputs: outputReferences)
        }
        if !frames.isEmpty { pipeline.reindex() }
        checkCarried(pipeline)
        checkSteps(&pipeline)
        checkFrameSteps(&pipeline)
        return pipeline
    }

    /// The steps that lower, in order, recording where each one's references were found
    /// (`references`, `inputReferences`).
    mutating func lowerSteps(_ declaredSteps: [Entry]) -> [Step] {
        var steps: [Step] = []
        steps.reserveCapacity(declaredSteps.count)
        references.reserveCapacity(declaredSteps.count * 2)
        referenceStart.reserveCapacity(declaredSteps.count + 1)
        inputReferences.reserveCapacity(declaredSteps.count)
        inputReferenceStart.reserveCapacity(declaredSteps.count + 1)
        for e in declaredSteps {
            let before = diagnostics.count
            let firstReference = references.count, firstInput = inputReferences.count
            let name = keyText(e)
            if let s = lowerStep(name, e.keyRange, e.value) {
                steps.append(s)
                referenceStart.append(Int32(firstReference))
                inputReferenceStart.append(Int32(firstInput))
            } else {
                references.removeSubrange(firstReference...)
                inputReferences.removeSubrange(firstInput...)
            }
            if diagnostics.count > before { stepsWithErrors.insert(name) }
        }
        referenceStart.append(Int32(references.count))
        inputReferenceStart.append(Int32(inputReferences.count))
        return steps
    }

    /// Registers the names of one section; a name is unique across sections.
    /// Returns the entries whose names were accepted, in order.
    mutating func declare(_ list: [Entry],
                          _ section: Section) -> [Entry] {
        // Built only from the first refused entry on (all before it were accepted): most lists have none.
        var accepted: [Entry]?
        var ranges: [SourceRange] = []
        ranges.reserveCapacity(list.count)
        defer { declaredRanges[section] = ranges }
        for (i, e) in list.enumerated() {
            let name = keyText(e)
            guard isIdentifier(name) else {
                if accepted == nil { accepted = Array(list[..<i]) }
                error("name `\(name)` is not a valid name", e.keyRange, help: "names are letters, digits and `_`, not starting with a digit")
                continue
            }
            // One probe both inserts a new name and finds an earlier definition (which is put back).
            if let first = names.updateValue(Pipeline.Positions(section, Int32(ranges.count)), forKey: name) {
                if accepted == nil { accepted = Array(list[..<i]) }
                names[name] = first
                let firstSection = first.section ?? section
                let firstRange = firstSection == section ? ranges[Int(first.position)] : declaredRanges[firstSection]?[Int(first.position)] ?? e.keyRange
                let p = source.position(of: firstRange.start)
                error("`\(name)` is already defined in \(firstSection.rawValue) (line \(p.line)); names must be unique across objects, functions, arrays and steps", e.keyRange)
                continue
            }
            accepted?.append(e)
            ranges.append(e.keyRange)
        }
        // Every entry accepted (the usual case): the list itself, not a second copy of it.
        return accepted ?? list
    }

    mutating func lowerCluster(_ v: WrittenValue) -> Cluster {
        var c = Cluster(range: v.at)
        guard let entries = mapping(v, "`cluster`") else { return c }
        checkKeys(entries, allowed: [.scheduler, .workers, .threadsPerWorker, .memoryPerWorker], in: "`cluster`")
        for e in entries {
            switch e.code {
            case .scheduler?: if let s = enumValue(e.value, "scheduler", as: SchedulerKind.self) { c.scheduler = s }
            case .workers?: if let n = int(e.value, "`cluster.workers`", min: 1) { c.workers = min(n, 1_000_000) }
            case .threadsPerWorker?: if let n = int(e.value, "`cluster.threads_per_worker`", min: 1) { c.threadsPerWorker = min(n, 1_000_000) }
            case .memoryPerWorker?: c.memoryPerWorker = size(e.value, "`cluster.memory_per_worker`")
            default: break
            }
        }
        return c
    }

    // MARK: objects

    static let recipeKeys: [KnownKey] = [.value, .list, .series, .ndarray, .bytes, .class, .python, .dataframe, .dict]
    // Keys allowed in the mappings lowered most often, built once.
    static let objectKeys = recipeKeys + [.fields, .methods, .size, .placement, .lint]
    static let fieldKeys = recipeKeys + [.fields, .methods]
    static let fieldKeys11 = fieldKeys + [.size]
    static let seriesSources: [KnownKey] = [.range, .values, .random, .load]
    static let seriesKeys: [KnownKey] = [.range, .values, .random, .load, .length, .dtype, .index, .name]
    static let functionKeys: [KnownKey] = [.params, .kernel, .with, .python, .lint, .partial, .closure, .globals, .column, .columns, .into]
    static let arraySourceKeys: [KnownKey] = [.random, .load]
    static let arrayRandomKeys: [KnownKey] = [.seed, .low, .high]
    static let arrayKeys: [KnownKey] = [.shape, .chunks, .dtype, .source, .lint]
    static let stepKinds: [KnownKey] = [.mapBlocks, .reduce, .rechunk, .mapPartitions, .merge, .groupby] + perItemKinds + rowStepKinds
    static let mapBlocksKeys: [KnownKey] = [.mapBlocks, .over, .args, .kwargs, .dtype, .lint]

    mutating func lowerObject(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue) -> PipelineObject? {
        guard let entries = mapping(v, "object `\(name)`") else { return nil }
        checkKeys(entries, allowed: Self.objectKeys, in: "object `\(name)`")
        var placement = Placement.embed
        var placementRange: SourceRange?
        var supp: Suppressions?
        for e in entries {
            if e.code == .placement, let p = enumValue(e.value, "placement", as: Placement.self) {
                placement = p
                placementRange = e.value.at
            }
            if e.code == .lint { supp = suppressions(e.value) }
        }
        guard let recipe = lowerRecipe(entries, v, what: "object `\(name)`", allowInstance: true, allowPython: true) else { return nil }
        return PipelineObject(name: name, nameRange: nameRange, range: v.at, recipe: recipe, placement: placement,
                              placementRange: placementRange, suppressions: supp)
    }

    mutating func lowerRecipe(_ entries: [Entry], _ v: WrittenValue, what: @autoclosure () -> String,
                              allowInstance: Bool, allowPython: Bool) -> Recipe? {
        func isRecipe(_ e: Entry) -> Bool { Self.recipeKeys.containsKey(e.code) }
        guard let firstAt = entries.firstIndex(where: isRecipe) else {
            error("\(what()) has no recipe", v.at, help: "give it exactly one of: \(Self.recipeKeys.map { "`\($0)`" }.joined(separator: ", "))")
            return nil
        }
        let first = entries[firstAt]
        // Gathered only to report several recipes: most entries have one.
        if entries[(firstAt + 1)...].contains(where: isRecipe) {
            let present = entries.filter(isRecipe)
            error("\(what()) has several recipes (`\(present.map { keyText($0) }.joined(separator: "`, `"))`); give exactly one", present[1].keyRange)
            return nil
        }
        // The first entry with a key; mappings are small, so a scan beats building a table.
        func other(_ key: KnownKey) -> Entry? { entries.first(key) }
        if first.code != .class {
            for k in [KnownKey.fields, .methods] {
                if let e = other(k) { error("`\(k.rawValue)` belongs to a `class` recipe", e.keyRange) }
            }
        }
        if first.code != .python, let s = other(.size) {
            error("`size` is declared only for `python` objects (other recipes are sized from the recipe)", s.keyRange)
        }
        let rv = first.value
        switch first.code {
        case .value?:
            return literal(rv).map { .value($0) }
        case .list?:
            guard let es = mapping(rv, "`list`") else { return nil }
            checkKeys(es, allowed: [.range], in: "`list`")
            guard let r = es.first(.range) else {
                error("`list` needs `range: N` or `range: [START, STOP]`", rv.at)
                return nil
            }
            if tree[r.value.id].kind == .sequence {
                let items = list(r.value, "`range`") ?? []
                guard items.count == 2, let a = int(items[0], "range start", min: Int64.min), let b = int(items[1], "range stop", min: Int64.min) else {
                    if items.count != 2 { error("`range` as a list must be [START, STOP]", r.value.at) }
                    return nil
                }
                // [-2⁶³, 2⁶³ − 1] spans more than Int64 holds: the count saturates.
                let (span, overflow) = b.subtractingReportingOverflow(a)
                return .intList(start: Int64(a), count: overflow ? .max : max(0, span))
            }
            return int(r.value, "`range`").map { .intList(start: 0, count: $0) }
        case .series?:
            return lowerSeries(rv).map { .series($0) }
        case .ndarray?:
            return lowerNDArray(rv).map { .ndarray($0) }
        case .bytes?:
            guard let es = mapping(rv, "`bytes`") else { return nil }
            checkKeys(es, allowed: [.size], in: "`bytes`")
            guard let s = es.first(.size) else {
                error("`bytes` needs `size`", rv.at)
                return nil
            }
            return size(s.value, "`bytes.size`").map { .bytes(size: $0) }
        case .class?:
            guard allowInstance else {
                error("a field cannot be a `class` instance here", first.keyRange)
                return nil
            }
            return lowerInstance(rv, entries: entries).map { .instance($0) }
        case .python?:
            // A field of a class may be opaque from format 1.1 on.
            guard allowPython || requireVersion11("an opaque `python` field", first.keyRange) else { return nil }
            guard let ref = string(rv, "`python`") else { return nil }
            guard isImportRef(ref) else {
                error("`python` must name a factory as `package.module:function`, not `\(ref)`", textRange(rv))
                return nil
            }
            let declared = other(.size).flatMap { size($0.value, "`size`") }
            return .python(factory: ref, size: declared)
        case .dataframe?:
            return lowerDataFrameRecipe(rv, at: first.keyRange)
        case .dict?:
            return lowerStringDict(rv, at: first.keyRange)
        default:
            return nil
        }
    }

    func isImportRef(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isIdentifier(String($0)) }
            && parts[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isIdentifier(String($0)) }
    }

    mutating func literal(_ v: WrittenValue, depth: Int = 0) -> Literal? {
        switch tree[v.id].kind {
        case .scalar:
            switch scalar(v) {
            case .null?: return Literal.none
            case .bool(let b)?: return .bool(b)
            case .int(let i)?: return .int(i)
            case .float(let d)?: return .float(d)
            case .string(let s)?: return .string(s)
            case nil: return nil
            }
        case .sequence:
            var xs: [Literal] = []
            for item in tree.items(v.id) {
                guard let l = literal(self.written(item), depth: depth + 1) else { return nil }
                xs.append(l)
            }
            return .list(xs)
        case .mapping:
            guard let es = mapping(v, "a literal mapping", keysAreNames: true) else { return nil }
            var out: [LiteralEntry] = []
            for e in es {
                guard let l = literal(e.value, depth: depth + 1) else { return nil }
                out.append(LiteralEntry(key: keyText(e), value: l))
            }
            return .map(out)
        case .alias:
            return nil
        }
    }

    mutating func lowerSeries(_ v: WrittenValue) -> SeriesRecipe? {
        guard let es = mapping(v, "`series`") else { return nil }
        checkKeys(es, allowed: Self.seriesKeys, in: "`series`")
        func isSource(_ e: Entry) -> Bool { Self.seriesSources.containsKey(e.code) }
        guard let srcAt = es.firstIndex(where: isSource) else {
            error("`series` needs its values: one of `range`, `values`, `random`, `load`", v.at)
            return nil
        }
        let src = es[srcAt]
        if let second = es[(srcAt + 1)...].first(where: isSource) {
            error("`series` has several value sources; give exactly one", second.keyRange)
            return nil
        }
        var dtype: NumericType = src.code == .random ? .float64 : .int64
        var index = SeriesRecipe.Index.range
        var name: String?
        var length: Int?
        for e in es {
            switch e.code {
            case .dtype?: if let d = dtypeValue(e.value) { dtype = d }
            case .index?: if let i = enumValue(e.value, "index kind", as: SeriesRecipe.Index.self) { index = i }
            case .name?: name = string(e.value, "`name`")
            case .length?: length = int(e.value, "`length`")
            default: break
            }
        }
        if let l = es.first(.length), src.code != .load {
            error("`length` is declared only with `load` (other sources know their length)", l.keyRange)
        }
        let source: SeriesSource
        switch src.code {
        case .range?:
            guard let n = int(src.value, "`range`") else { return nil }
            source = .range(count: n)
        case .values?:
            guard let items = list(src.value, "`values`") else { return nil }
            var vals: [Literal] = []
            for item in items {
                guard let d = number(item, "a series value") else { continue }
                vals.append(d == d.rounded() && abs(d) < 9e18 && dtype.isInteger ? .int(Int64(d)) : .float(d))
            }
            source = .values(vals)
        case .random?:
            guard let r = mapping(src.value, "`random`") else { return nil }
            checkKeys(r, allowed: [.count, .seed, .low, .high], in: "`random`")
            guard let c = r.first(.count), let count = int(c.value, "`count`") else {
                if !r.has(.count) { error("`random` needs `count`", src.value.at) }
                return nil
            }
            let (seed, low, high) = randomParameters(r, at: src.value.at)
            source = .random(count: count, seed: seed, low: low, high: high)
        default:
            guard let path = relativePath(src.value, "`load` path") else { return nil }
            source = .load(path: path, length: length)
        }
        return SeriesRecipe(source: source, dtype: dtype, index: index, name: name)
    }

    mutating func shape(_ v: WrittenValue, _ what: String) -> [Int]? {
        guard let items = list(v, what) else { return nil }
        var dims: [Int] = []
        for item in items {
            guard let d = int(item, "a dimension of \(what)") else { return nil }
            dims.append(d)
        }
        if dims.count > 32 {
            error("\(what) has \(dims.count) dimensions; numpy supports at most 32", v.at)
            return nil
        }
        return dims
    }

    mutating func lowerNDArray(_ v: WrittenValue) -> NDArrayRecipe? {
        guard let es = mapping(v, "`ndarray`") else { return nil }
        checkKeys(es, allowed: [.shape, .dtype, .fill, .seed, .load], in: "`ndarray`")
        guard let s = es.first(.shape) else {
            error("`ndarray` needs `shape`", v.at)
            return nil
        }
        guard let dims = shape(s.value, "`shape`") else { return nil }
        var r = NDArrayRecipe(shape: dims, dtype: .float64)
        for e in es {
            switch e.code {
            case .dtype?: if let d = dtypeValue(e.value) { r.dtype = d }
            case .fill?: if let f = enumValue(e.value, "fill", as: NDArrayRecipe.Fill.self) { r.fill = f }
            case .seed?: if let sd = int(e.value, "`seed`") { r.seed = UInt64(sd) }
            case .load?: r.load = relativePath(e.value, "`load` path")
            default: break
            }
        }
        guard byteSizeFits(dims, r.dtype) else {
            error("an ndarray of shape [\(dims.map(String.init).joined(separator: ", "))] and dtype \(r.dtype.rawValue) is over 2^63 bytes; numpy cannot create an array this large",
                  s.value.at)
            return nil
        }
        return r
    }

    /// Whether a numpy array of this shape has a byte size that fits in 64
    /// bits; numpy refuses larger arrays ("array is too big").
    func byteSizeFits(_ dims: [Int], _ dtype: NumericType) -> Bool {
        if dims.contains(0) { return true }
        var bytes = dtype.itemSize
        for d in dims {
            let (p, overflow) = bytes.multipliedReportingOverflow(by: d)
            if overflow { return false }
            bytes = p
        }
        return true
    }

    mutating func lowerInstance(_ v: WrittenValue, entries: [Entry]) -> InstanceRecipe? {
        guard let cls = string(v, "`class`") else { return nil }
        var module: String?
        var className = cls
        if cls.contains(":") {
            guard isImportRef(cls) else {
                error("`class` must be `Name` (in `__main__`) or `package.module:Name`, not `\(cls)`", textRange(v))
                return nil
            }
            let parts = cls.split(separator: ":")
            module = String(parts[0])
            className = String(parts[1])
            if let top = parts[0].split(separator: ".").first.map(String.init), ExportNames.reservedModules.contains(top) {
                error("module `\(parts[0])` cannot hold a pipeline's class: `\(top)` is a module the exported program generates, or one it, Dask or distributed import", textRange(v),
                      help: "put the class in a module with another name")
            }
        } else if !cls.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isIdentifier(String($0)) }) {
            error("`class` `\(cls)` is not a class name", textRange(v))
            return nil
        }
        var fields: [InstanceRecipe.Field] = []
        if let f = entries.first(.fields), let es = mapping(f.value, "`fields`", keysAreNames: true) {
            for e in es {
                let name = keyText(e)
                guard isIdentifier(name) else {
                    error("field name `\(name)` is not a valid name", e.keyRange)
                    continue
                }
                guard let fe = mapping(e.value, "field `\(name)`") else { continue }
                // 1.1: a field may be an opaque `python` object with its declared `size`.
                checkKeys(fe, allowed: minorVersion >= 1 ? Self.fieldKeys11 : Self.fieldKeys, in: "field `\(name)`")
                if let r = lowerRecipe(fe, e.value, what: "field `\(name)`", allowInstance: true, allowPython: minorVersion >= 1) {
                    fields.append(.init(name: name, nameRange: e.keyRange, recipe: r))
                }
            }
        }
        var inst = InstanceRecipe(className: className, module: module, fields: fields, methods: [])
        if let m = entries.first(.methods), let es = mapping(m.value, "`methods`", keysAreNames: true) {
            for e in es {
                let name = keyText(e)
                guard isIdentifier(name) else {
                    error("method name `\(name)` is not a valid name", e.keyRange)
                    continue
                }
                if name.hasPrefix("__"), name.hasSuffix("__"), name != "__call__" {
                    error("method name `\(name)` is one Python gives a meaning of its own (building, comparing or pickling the instance)", e.keyRange,
                          help: "name the method otherwise; `__call__` is the one special method a pipeline declares")
                    continue
                }
                if let f = lowerFunction(name, e.keyRange, e.value, isMethod: true, receiver: inst) {
                    inst.methods.append(.init(name: name, nameRange: e.keyRange, function: f))
                }
            }
        }
        return inst
    }

    // MARK: functions

    mutating func lowerFunction(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue, isMethod: Bool, receiver: InstanceRecipe? = nil) -> PipelineFunction? {
        // Built only for messages: most functions have none.
        func what() -> String { isMethod ? "method `\(name)`" : "function `\(name)`" }
        guard let es = mapping(v, what()) else { return nil }
        checkKeys(es, allowed: Self.functionKeys, in: what())
        guard var params = lowerParams(es, nameRange, v, isMethod: isMethod, what: what()) else { return nil }
        let kernelEntry = es.first(.kernel)
        let pythonEntry = es.first(.python)
        guard let carried = lowerCarried(es, params: &params, function: name, isMethod: isMethod, isPython: pythonEntry != nil) else { return nil }
        let supp = es.first(.lint).flatMap { suppressions($0.value) }
        if kernelEntry != nil, let p = pythonEntry {
            error("\(what()) has both `kernel` and `python`; give one", p.keyRange)
            return nil
        }
        if let p = pythonEntry {
            guard let ref = string(p.value, "`python`") else { return nil }
            guard isImportRef(ref) else {
                error("`python` must name a function as `package.module:function`, not `\(ref)`", textRange(p.value))
                return nil
            }
            if let w = es.first(.with) { error("`with` binds kernel parameters; a `python` function takes its params directly", w.keyRange) }
            return PipelineFunction(name: name, nameRange: nameRange, range: v.at, params: params, body: .python(ref), isMethod: isMethod, suppressions: supp, carried: carried)
        }
        guard let k = kernelEntry else {
            error("\(what()) needs `kernel` (a built-in kernel) or `python` (module:function)", v.at)
            return nil
        }
        guard let kernel = enumValue(k.value, "kernel", as: Kernel.self) else { return nil }
        guard let frameOptions = lowerFrameKernelOptions(es, kernel: kernel, kernelRange: k.value.at) else { return nil }
        // Small per-function tables, by position: the kernel's parameters, and the function's.
        let kernelParams = kernel.params
        var bound = [Binding?](repeating: nil, count: kernelParams.count)
        // Parameters bound in `with:`: a bit each (an array only past 64 parameters).
        var usedBits: UInt64 = 0
        var usedParams = params.count > 64 ? [Bool](repeating: false, count: params.count) : []
        if let w = es.first(.with), let ws = mapping(w.value, "`with`", keysAreNames: true) {
            for e in ws {
                let key = keyText(e)
                guard let slot = kernelParams.firstIndex(where: { $0.name == key }) else {
                    let kernelParamNames = kernelParams.map(\.name)
                    let hint = suggestion(for: key, among: kernelParamNames).map { "did you mean `\($0)`?" }
                    error("kernel `\(kernel.rawValue)` has no parameter `\(key)`", e.keyRange,
                          help: hint ?? "its parameters are \(kernelParamNames.map { "`\($0)`" }.joined(separator: ", "))")
                    continue
                }
                switch scalar(e.value) {
                case .int(let i)?: bound[slot] = .literal(Double(i))
                case .float(let d)?: bound[slot] = .literal(d)
                case .string(let s)?:
                    let head = pathHead(s)
                    guard let idx = params.firstIndex(where: { $0.name == head }) else {
                        let hint = suggestion(for: head, among: params.map(\.name)).map { "did you mean `\($0)`?" }
                        error("`\(head)` is not a parameter of \(what())", textRange(e.value),
                              help: hint ?? "bind to one of \(params.map { "`\($0.name)`" }.joined(separator: ", ")), a field path such as `\(params.last?.name ?? "p").field`, or a number")
                        continue
                    }
                    guard let path = parsedPath(s, e.value, malformedHelp: "write fields separated by dots, e.g. `mapper.series`")?.path else { continue }
                    if isMethod, idx == 0, let recv = receiver {
                        checkFieldPath(path, in: .instance(recv), at: textRange(e.value), display: s)
                    }
                    bound[slot] = .param(index: idx, path: path)
                    if idx < 64 { usedBits |= 1 << UInt64(idx) } else { usedParams[idx] = true }
                default:
                    error("a kernel binding must be a parameter, a field path or a number, not \(kindName(e.value))", e.value.at)
                }
            }
        }
        // Unbound kernel parameters take the unused function parameters in order (never a method's `self`).
        var nextFree = isMethod ? 1 : 0
        var bindings: [Binding] = []
        bindings.reserveCapacity(kernelParams.count)
        for (slot, kp) in kernelParams.enumerated() {
            while nextFree < params.count, nextFree < 64 ? usedBits & (1 << UInt64(nextFree)) != 0 : usedParams[nextFree] { nextFree += 1 }
            if let b = bound[slot] {
                bindings.append(b)
            } else if nextFree < params.count {
                bindings.append(.param(index: nextFree, path: []))
                nextFree += 1
            } else {
                error("kernel parameter `\(kp.name)` of `\(kernel.rawValue)` is not bound", k.value.at,
                      help: "bind it in `with:` or add a parameter to `params`")
                return nil
            }
        }
        var function = PipelineFunction(name: name, nameRange: nameRange, range: v.at, params: params,
                                        body: .kernel(kernel, bindings: bindings), isMethod: isMethod, suppressions: supp, carried: carried)
        function.frameOptions = frameOptions
        return function
    }

    /// A function's `params` (`self` first for a method, whose `params` defaults to `[block]`).
    mutating func lowerParams(_ es: [Entry], _ nameRange: SourceRange, _ v: WrittenValue,
                              isMethod: Bool, what: @autoclosure () -> String) -> [Param]? {
        var params: [Param] = []
        if isMethod { params.append(Param(name: "self", range: nameRange)) }
        if let p = es.first(.params) {
            for item in list(p.value, "`params`") ?? [] {
                guard let n = identifier(item, "parameter name") else { continue }
                if params.contains(where: { $0.name == n }) {
                    error("parameter `\(n)` is listed twice", textRange(item))
                    continue
                }
                params.append(Param(name: n, range: textRange(item)))
            }
        } else if isMethod {
            params.append(Param(name: "block", range: nameRange))
        } else {
            error("\(what()) needs `params`", v.at, help: "list the parameters: the blocks of `over` first, then `args`, then `kwargs`")
            return nil
        }
        return params
    }

    /// Checks that `path` applies, starting from `recipe`: fields that exist, subscripts that fit
    /// the value they reach (docs/pipeline-format.md, "Projections"). Reports at `at`.
    @discardableResult
    mutating func checkFieldPath(_ path: FieldPath, in recipe: Recipe, at: SourceRange, display: @autoclosure () -> String) -> Recipe? {
        var cur = recipe
        for (i, segment) in path.segments.enumerated() {
            // The path up to this segment, as written (`mapper.series` before `.iloc[0]`).
            func base() -> String {
                let shown = display()
                return path.prefix(i).applied(to: String(shown.dropLast(path.applied(to: "").utf8.count)))
            }
            switch segment {
            case .field(let field):
                guard case .instance(let inst) = cur else {
                    // The object itself when the first field is missing (`lookup.values`: `lookup` is a Series).
                    let b = i > 0 ? "\(path.prefix(i))" : base()
                    error("`\(display())`: `\(b)` is \(kindArticle(cur)), which has no field `\(field)`", at)
                    return nil
                }
                guard let f = inst.field(field) else {
                    let hint = suggestion(for: field, among: inst.fields.map(\.name)).map { "did you mean `\($0)`?" }
                    error("class `\(inst.className)` has no field `\(field)`", at,
                          help: hint ?? (inst.fields.isEmpty ? "it declares no fields" : "its fields are \(inst.fields.map { "`\($0.name)`" }.joined(separator: ", "))"))
                    return nil
                }
                cur = f.recipe
            case .subscript, .iloc:
                guard let next = checkSubscript(segment, on: cur, base: base(), shown: display(), at: at) else { return nil }
                cur = next
            case .column:
                error("`\(display())`: columns need a dataframe, which this format version does not describe", at)
                return nil
            }
        }
        return cur
    }

    func kindArticle(_ r: Recipe) -> String {
        switch r {
        case .value: "a literal"
        case .intList: "a list"
        case .series: "a Series"
        case .ndarray: "an ndarray"
        case .bytes: "a bytes object"
        case .instance(let i): "an instance of `\(i.className)`"
        case .python: "an opaque Python object"
        case .element(let t, let boxed): "a " + Recipe.scalarName(t, boxed: boxed)
        case .dataframe: "a DataFrame"
        case .stringDict: "a dict"
        }
    }

    // MARK: arrays

    mutating func lowerArray(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue) -> ArrayDecl? {
        guard let es = mapping(v, "array `\(name)`") else { return nil }
        checkKeys(es, allowed: Self.arrayKeys, in: "array `\(name)`")
        guard let s = es.first(.shape) else {
            error("array `\(name)` needs `shape`", v.at)
            return nil
        }
        guard let dims = shape(s.value, "`shape`") else { return nil }
        guard let c = es.first(.chunks) else {
            error("array `\(name)` needs `chunks`", v.at, help: "give a chunk size per dimension, e.g. `chunks: [\(dims.map { _ in "1000" }.joined(separator: ", "))]`")
            return nil
        }
        guard let specs = chunkSpecs(c.value, dims: dims) else { return nil }
        var dtype = NumericType.float64
        var src = ArrayDecl.Source.zeros
        var supp: Suppressions?
        for e in es {
            switch e.code {
            case .dtype?: if let d = dtypeValue(e.value) { dtype = d }
            case .source?: if let so = arraySource(e.value) { src = so }
            case .lint?: supp = suppressions(e.value)
            default: break
            }
        }
        let grid = ChunkGrid(dims: zip(specs, dims).map { $0.chunks(length: $1) })
        // Dask keeps shapes as Python ints, but each chunk is one numpy array.
        let chunkShape = grid.dims.map(\.maxSize)
        guard byteSizeFits(chunkShape, dtype) else {
            error("array `\(name)` has chunks of shape [\(chunkShape.map(String.init).joined(separator: ", "))] and dtype \(dtype.rawValue), over 2^63 bytes each; numpy cannot create a chunk this large",
                  c.value.at)
            return nil
        }
        var decl = ArrayDecl(name: name, nameRange: nameRange, range: v.at, grid: grid, dtype: dtype, source: src, suppressions: supp)
        decl.chunksRange = c.value.at
        return decl
    }

    mutating func chunkSpecs(_ v: WrittenValue, dims: [Int]) -> [ChunkSpec]? {
        guard let items = list(v, "`chunks`") else { return nil }
        guard items.count == dims.count else {
            error("`chunks` has \(items.count) entries but the shape has \(dims.count) dimensions", v.at)
            return nil
        }
        var out: [ChunkSpec] = []
        for (item, dim) in zip(items, dims) {
            if tree[item.id].kind == .sequence {
                var sizes: [Int] = []
                for x in list(item, "explicit chunk sizes") ?? [] {
                    guard let n = int(x, "a chunk size", min: 1) else { return nil }
                    sizes.append(n)
                }
                let total = saturatingSum(sizes)
                if total != dim {
                    error("explicit chunk sizes sum to \(total) but the dimension is \(dim)", item.at)
                    return nil
                }
                out.append(.explicit(sizes))
            } else {
                guard let n = int(item, "a chunk size", min: 1) else { return nil }
                out.append(.size(n))
            }
        }
        return out
    }

    mutating func arraySource(_ v: WrittenValue) -> ArrayDecl.Source? {
        if case .string(let s)? = scalar(v) {
            switch s {
            case "zeros": return .zeros
            case "ones": return .ones
            case "range": return .range
            default:
                let options = ["zeros", "ones", "range", "random", "load"]
                error("unknown array source `\(s)`", textRange(v),
                      help: suggestion(for: s, among: options).map { "did you mean `\($0)`?" } ?? "expected `zeros`, `ones`, `range`, `{random: {...}}` or `{load: path.npy}`")
                return nil
            }
        }
        guard let es = mapping(v, "`source`") else { return nil }
        checkKeys(es, allowed: Self.arraySourceKeys, in: "`source`")
        guard es.count == 1, let e = es.first else {
            error("`source` must have exactly one key (`random` or `load`)", v.at)
            return nil
        }
        if e.code == .load { return relativePath(e.value, "`load` path").map { .load($0) } }
        if e.code == .random {
            guard let r = mapping(e.value, "`random`") else { return nil }
            checkKeys(r, allowed: Self.arrayRandomKeys, in: "`random`")
            let (seed, low, high) = randomParameters(r, at: e.value.at)
            return .random(seed: seed, low: low, high: high)
        }
        return nil
    }

    /// `seed`, `low` and `high` of a `random:` source, a series' or an array's alike (defaults 0, 0, 1);
    /// `low` must be below `high`.
    mutating func randomParameters(_ r: [Entry], at: SourceRange) -> (seed: UInt64, low: Double, high: Double) {
        let seed = r.first(.seed).flatMap { int($0.value, "`seed`") } ?? 0
        let low = r.first(.low).flatMap { number($0.value, "`low`") } ?? 0
        let high = r.first(.high).flatMap { number($0.value, "`high`") } ?? 1
        if high <= low { error("`random` needs `low` < `high`", at) }
        return (UInt64(seed), low, high)
    }

    // MARK: steps

    mutating func lowerStep(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue) -> Step? {
        guard let es = mapping(v, "step `\(name)`") else { return nil }
        func isKind(_ e: Entry) -> Bool { Self.stepKinds.containsKey(e.code) }
        guard let kindAt = es.firstIndex(where: isKind) else {
            checkKeys(es, allowed: Self.stepKinds + [.over, .args, .kwargs, .dtype, .splitEvery, .chunks, .items, .lint], in: "step `\(name)`")
            error("step `\(name)` needs a kind: `map_blocks`, `reduce`, `rechunk`, or (format 1.1) `delayed`, `submit` or `map`", v.at)
            return nil
        }
        let kindEntry = es[kindAt]
        if let second = es[(kindAt + 1)...].first(where: isKind) {
            error("step `\(name)` has several kinds; give one of `map_blocks`, `reduce`, `rechunk`, `delayed`, `submit`, `map`", second.keyRange)
            return nil
        }
        let supp = es.first(.lint).flatMap { suppressions($0.value) }
        func get(_ k: KnownKey) -> Entry? { es.first(k) }
        switch kindEntry.code {
        case let k where Self.perItemKinds.containsKey(k):
            return lowerPerItemStep(name, nameRange, v, kindEntry: kindEntry, entries: es, suppressions: supp)
        case .mapPartitions?:
            return lowerMapPartitionsStep(name, nameRange, v, kindEntry: kindEntry, entries: es, suppressions: supp)
        case .merge?:
            return lowerMergeStep(name, nameRange, v, kindEntry: kindEntry, entries: es, suppressions: supp)
        case let k where Self.rowStepKinds.containsKey(k):
            return lowerRowStep(name, nameRange, v, kindEntry: kindEntry, entries: es, suppressions: supp)
        case .groupby?:
            return lowerGroupbyStep(name, nameRange, v, kindEntry: kindEntry, entries: es, suppressions: supp)
        case .mapBlocks?:
            checkKeys(es, allowed: Self.mapBlocksKeys, in: "`map_blocks` step `\(name)`")
            guard let calleeText = string(kindEntry.value, "`map_blocks`") else { return nil }
            guard let callee = lowerCallee(calleeText, range: textRange(kindEntry.value)) else { return nil }
            guard let overEntry = get(.over) else {
                error("`map_blocks` step `\(name)` needs `over` (the arrays it maps)", v.at)
                return nil
            }
            var over: [Ref] = []
            let overItems = list(overEntry.value, "`over`")
            for item in overItems ?? [] {
                if let r = dataRef(item) { over.append(r) }
            }
            if overItems?.isEmpty == true {
                error("`over` needs at least one array", overEntry.value.at)
            }
            var args: [CallArgument] = []
            if let a = get(.args) {
                for item in list(a.value, "`args`") ?? [] {
                    if let arg = argument(item) { args.append(arg) }
                }
            }
            var kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)] = []
            if let k = get(.kwargs), let ks = mapping(k.value, "`kwargs`", keysAreNames: true) {
                for e in ks {
                    if let arg = argument(e.value) { kwargs.append((keyText(e), e.keyRange, arg)) }
                }
            }
            let dtype = get(.dtype).flatMap { dtypeValue($0.value) }
            return Step(name: name, nameRange: nameRange, range: v.at,
                        kind: .mapBlocks(callee: callee, over: over, args: args, kwargs: kwargs, dtype: dtype), suppressions: supp)
        case .reduce?:
            checkKeys(es, allowed: [.reduce, .over, .splitEvery, .lint], in: "`reduce` step `\(name)`")
            guard let r = enumValue(kindEntry.value, "reduction", as: Reduction.self) else { return nil }
            guard let o = get(.over) else {
                error("`reduce` step `\(name)` needs `over` (the array or step it reduces)", v.at)
                return nil
            }
            guard let (over, column) = reduceInput(o.value) else { return nil }
            var split = 8
            if let s = get(.splitEvery), let n = int(s.value, "`split_every`", min: 2) { split = n }
            var step = Step(name: name, nameRange: nameRange, range: v.at, kind: .reduce(r, over: over, splitEvery: split), suppressions: supp)
            step.reducedColumn = column
            return step
        default:
            checkKeys(es, allowed: [.rechunk, .chunks, .lint], in: "`rechunk` step `\(name)`")
            guard let over = dataRef(kindEntry.value) else { return nil }
            guard let c = get(.chunks) else {
                error("`rechunk` step `\(name)` needs `chunks`", v.at)
                return nil
            }
            var specs: [ChunkSpec] = []
            for item in list(c.value, "`chunks`") ?? [] {
                if tree[item.id].kind == .sequence {
                    var sizes: [Int] = []
                    for x in list(item, "explicit chunk sizes") ?? [] { if let n = int(x, "a chunk size", min: 1) { sizes.append(n) } }
                    specs.append(.explicit(sizes))
                } else if let n = int(item, "a chunk size", min: 1) {
                    specs.append(.size(n))
                } else {
                    return nil
                }
            }
            return Step(name: name, nameRange: nameRange, range: v.at, kind: .rechunk(over, grid: specs), suppressions: supp)
        }
    }

    /// What `map_blocks:` names: a function, `object.method`, or (format 1.1) a callable instance.
    mutating func lowerCallee(_ calleeText: String, range calleeRange: SourceRange) -> Callee? {
        let parts = dotParts(calleeText)
        if parts.count == 1 {
            let declared = names[calleeText]
            let section = declared?.section
            if section == .objects {
                references.append(declared?.object ?? -1)
                return instanceCallee(calleeText, range: calleeRange)
            }
            guard section == .functions else {
                let hint = suggestion(for: calleeText, among: declaredNames(in: .functions)).map { "did you mean `\($0)`?" }
                error("`\(calleeText)` is not a function", calleeRange, help: hint ?? "define it under `functions:`, or call a method as `object.method`")
                return nil
            }
            references.append(declared?.function ?? -1)
            return .function(name: calleeText, range: calleeRange)
        }
        guard parts.count == 2, isIdentifier(parts[0]), isIdentifier(parts[1]) else {
            error("`map_blocks` must name a function or `object.method`, not `\(calleeText)`", calleeRange)
            return nil
        }
        let objRange = SourceRange(start: calleeRange.start, end: calleeRange.start + parts[0].utf8.count)
        let methRange = SourceRange(start: objRange.end + 1, end: calleeRange.end)
        guard let object = names[parts[0]], object.section == .objects else {
            let hint = suggestion(for: parts[0], among: declaredNames(in: .objects)).map { "did you mean `\($0)`?" }
            error("`\(parts[0])` is not an object", objRange, help: hint)
            return nil
        }
        references.append(object.object)
        return .method(object: parts[0], objectRange: objRange, method: parts[1], methodRange: methRange)
    }

    /// A reference to an array or a step.
    mutating func dataRef(_ v: WrittenValue) -> Ref? {
        guard let n = string(v, "an array or step name") else { return nil }
        let r = textRange(v)
        if isDataInput(n) { return Ref(name: n, range: r) }
        let candidates = declaredNames(in: .arrays, .frames, .steps)
        if isDeclared(n, in: .objects) {
            error("`\(n)` is an object, not an array or step", r, help: "objects are passed in `args` or `kwargs`")
        } else {
            error("`\(n)` is not an array or step", r, help: suggestion(for: n, among: candidates).map { "did you mean `\($0)`?" })
        }
        return nil
    }

    mutating func argument(_ v: WrittenValue) -> CallArgument? {
        switch scalar(v) {
        case .int(let i)?: return .literal(Double(i), range: v.at)
        case .float(let d)?: return .literal(d, range: v.at)
        case .string(let s)?:
            let head = pathHead(s)
            let r = textRange(v)
            let headRange = SourceRange(start: r.start, end: r.start + head.utf8.count)
            let declared = names[head]
            guard let declared, declared.section == .objects else {
                if declared?.section?.isData ?? false {
                    error("`\(head)` is an array or step; map over it with `over`", headRange)
                } else {
                    error("`\(head)` is not an object", headRange,
                          help: suggestion(for: head, among: declaredNames(in: .objects)).map { "did you mean `\($0)`?" } ?? "define it under `objects:`")
                }
                return nil
            }
            guard let parsed = parsedPath(s, v, malformedHelp: nil) else { return nil }
            references.append(declared.object)
            return .object(name: head, path: parsed.path, range: r)
        default:
            error("an argument must be an object name, a field path or a number, not \(kindName(v))", v.at)
            return nil
        }
    }

    mutating func lowerOutput(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue) -> Output? {
        guard let hint = names[name]?.inputHint else {
            error("output `\(name)` is not an array or step", nameRange,
                  help: suggestion(for: name, among: declaredNames(in: .arrays, .frames, .steps)).map { "did you mean `\($0)`?" })
            return nil
        }
        outputReferences.append(hint)
        let target = Ref(name: name, range: nameRange)
        if case .string(let s)? = scalar(v) {
            switch s {
            case "compute": return Output(target: target, kind: .compute, range: v.at)
            case "persist": return Output(target: target, kind: .persist, range: v.at)
            default:
                error("unknown output `\(s)`", textRange(v),
                      help: suggestion(for: s, among: ["compute", "persist", "save"]).map { "did you mean `\($0)`?" } ?? "expected `compute`, `persist` or `{save: path.npy}`")
                return nil
            }
        }
        guard let es = mapping(v, "output `\(name)`") else { return nil }
        checkKeys(es, allowed: [.save], in: "output `\(name)`")
        guard let s = es.first(.save) else {
            error("output `\(name)` must be `compute`, `persist` or `{save: path.npy}`", v.at)
            return nil
        }
        guard let path = relativePath(s.value, "`save` path") else { return nil }
        return Output(target: target, kind: .save(path: path), range: v.at)
    }
}

extension Lowerer.Section {
    /// Arrays, steps and frames hold data a step maps over.
    var isData: Bool { self == .arrays || self == .steps || self == .frames }
}

extension Pipeline.Positions {
    /// The position of a name declared once, in `section`.
    init(_ section: Lowerer.Section, _ position: Int32) {
        switch section {
        case .objects: self.init(object: position)
        case .functions: self.init(function: position)
        case .arrays: self.init(array: position)
        case .steps: self.init(step: position)
        case .frames: self.init(frame: position)
        }
    }

    /// Where an array, frame or step is declared, as an input hint (`ReferenceHints.packed`); nil
    /// for any other name.
    var inputHint: Int32? {
        if array >= 0 { return ReferenceHints.packed(.array, array) }
        if step >= 0 { return ReferenceHints.packed(.step, step) }
        if frame >= 0 { return ReferenceHints.packed(.frame, frame) }
        return nil
    }

    /// The section of a name the lowering declared (names are unique across sections).
    var section: Lowerer.Section? {
        if object >= 0 { return .objects }
        if function >= 0 { return .functions }
        if array >= 0 { return .arrays }
        if step >= 0 { return .steps }
        if frame >= 0 { return .frames }
        return nil
    }

    /// The name's place among its section's accepted entries.
    var position: Int32 { max(object, function, array, step, frame) }
}
