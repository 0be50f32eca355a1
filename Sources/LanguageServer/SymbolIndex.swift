import PipelineIR

/// Every name in a pipeline the front end resolved: each definition and each
/// reference to it, with its byte range. Navigation, hover and rename read this
/// and nothing else, so a rename touches exactly the scalars that mean the name —
/// never comments, `python:` references, paths, parameters or free text.
public struct SymbolIndex: Sendable {
    /// What a name names.
    public enum Kind: String, Sendable, Hashable {
        case object, function, array, step
        /// A DataFrame collection (format 1.2).
        case frame
        /// A field of an object's instance, named `object.field` (nested: `object.a.b`).
        case field
        /// A method of an object's instance, named `object.method`.
        case method
    }

    /// One place a name is written.
    public struct Occurrence: Sendable, Hashable {
        public var kind: Kind
        /// The name, qualified for fields and methods (`mapper.series`).
        public var name: String
        /// Exactly the name's bytes (never quotes).
        public var range: SourceRange
        public var isDefinition: Bool
    }

    /// Sorted by position.
    public private(set) var occurrences: [Occurrence] = []
    /// Indices into `occurrences` by kind and name, so lookups stay O(1) on large files.
    private var byName: [Kind: [String: [Int]]] = [:]

    /// Indexes `pipeline`'s names; an occurrence whose text is not the name (an escaped
    /// quoted scalar) is left out, so it is never edited.
    public init(_ pipeline: Pipeline, source: SourceFile) {
        var b = Builder(source: source)
        for o in pipeline.objects {
            b.add(.object, o.name, o.nameRange, definition: true)
            if case .instance(let i) = o.recipe { b.addMembers(of: i, prefix: o.name) }
        }
        for f in pipeline.functions {
            b.add(.function, f.name, f.nameRange, definition: true)
            // Objects a function carries (`partial`, `closure`, `globals`) are references like arguments.
            for c in f.carried { b.addArgument(.object(name: c.object, path: c.path, range: c.range)) }
        }
        for a in pipeline.arrays { b.add(.array, a.name, a.nameRange, definition: true) }
        for f in pipeline.frames {
            b.add(.frame, f.name, f.nameRange, definition: true)
            if case .fromPandas(let o, let range) = f.source { b.add(.object, o, range, definition: false) }
        }
        for s in pipeline.steps {
            b.add(.step, s.name, s.nameRange, definition: true)
            switch s.kind {
            case .mapBlocks(let callee, let over, let args, let kwargs, _):
                switch callee {
                case .function(let name, let range): b.add(.function, name, range, definition: false)
                case .method(let object, let objectRange, let method, let methodRange):
                    b.add(.object, object, objectRange, definition: false)
                    b.add(.method, "\(object).\(method)", methodRange, definition: false)
                case .instance(let object, let range):
                    b.add(.object, object, range, definition: false)
                }
                for r in over { b.addData(r, pipeline) }
                for a in args + kwargs.map(\.value) { b.addArgument(a) }
            case .reduce(_, let over, _): b.addData(over, pipeline)
            case .rechunk(let r, _): b.addData(r, pipeline)
            case .merge(let l, let right, _, _, _):
                b.addData(l, pipeline)
                switch right {
                case .object(let name, let range): b.add(.object, name, range, definition: false)
                case .frame(let r): b.addData(r, pipeline)
                }
            case .rows(let r, let op):
                b.addData(r, pipeline)
                if let t = op.table { b.add(.object, t.name, t.range, definition: false) }
            case .groupby(let g): b.addData(g.over, pipeline)
            }
        }
        for o in pipeline.outputs { b.addData(o.target, pipeline) }
        // An alias (`args: *shared`) makes several steps resolve the same scalar: keep it once,
        // so a rename never sends overlapping edits.
        var seen = Set<SourceRange>()
        occurrences = b.found.sorted { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
            .filter { seen.insert($0.range).inserted }
        for (i, o) in occurrences.enumerated() { byName[o.kind, default: [:]][o.name, default: []].append(i) }
    }

    /// The occurrence whose range holds `offset` (its end counts, so a cursor just after a name finds it).
    public func occurrence(at offset: Int) -> Occurrence? {
        var lo = 0
        var hi = occurrences.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if occurrences[mid].range.end < offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo < occurrences.count, occurrences[lo].range.start <= offset else { return nil }
        return occurrences[lo]
    }

    /// The definition of a name.
    public func definition(_ kind: Kind, _ name: String) -> Occurrence? {
        occurrences(of: kind, name).first { $0.isDefinition }
    }

    /// Every occurrence of a name, the definition included, in file order.
    public func occurrences(of kind: Kind, _ name: String) -> [Occurrence] {
        (byName[kind]?[name] ?? []).map { occurrences[$0] }
    }

    private struct Builder {
        let source: SourceFile
        var found: [Occurrence] = []

        mutating func add(_ kind: Kind, _ name: String, _ range: SourceRange, definition: Bool) {
            let last = name.split(separator: ".").last.map(String.init) ?? name
            guard source.text(range) == last else { return }
            found.append(Occurrence(kind: kind, name: name, range: range, isDefinition: definition))
        }

        mutating func addMembers(of i: InstanceRecipe, prefix: String) {
            for f in i.fields {
                add(.field, "\(prefix).\(f.name)", f.nameRange, definition: true)
                if case .instance(let inner) = f.recipe { addMembers(of: inner, prefix: "\(prefix).\(f.name)") }
            }
            for m in i.methods { add(.method, "\(prefix).\(m.name)", m.nameRange, definition: true) }
        }

        /// An array or step named in `over:`, `reduce:`, `rechunk:` or `outputs:`.
        mutating func addData(_ r: Ref, _ p: Pipeline) {
            add(p.array(named: r.name) != nil ? .array : p.frame(named: r.name) != nil ? .frame : .step, r.name, r.range, definition: false)
        }

        /// An object in `args`/`kwargs`, and each field of its path (`mapper.series`).
        mutating func addArgument(_ a: CallArgument) {
            guard case .object(let name, let path, let range) = a else { return }
            var offset = range.start + name.utf8.count
            add(.object, name, SourceRange(start: range.start, end: offset), definition: false)
            var qualified = name
            for segment in path.segments {
                guard case .field(let f) = segment else { return }
                qualified += ".\(f)"
                offset += 1
                add(.field, qualified, SourceRange(start: offset, end: offset + f.utf8.count), definition: false)
                offset += f.utf8.count
            }
        }
    }
}
