/// Seeded generator of pipeline files in many layouts, each with the exact
/// text the fix must produce. The generator knows where its own insertion
/// goes (it wrote the mapping), so the expected text is built alongside the
/// original rather than computed by the code under test.
struct PipelineGenerator {
    /// SplitMix64: small, fast, reproducible from the seed alone.
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    }

    /// A piece of the file: text in both versions, or text only in the fixed one, or a replacement.
    enum Piece {
        case both(String)
        case fixedOnly(String)
        case replaced(old: String, new: String)
    }

    struct Case {
        var seed: UInt64
        var original: [UInt8]
        var expected: [UInt8]
        /// Objects whose placement the fix changes, and to what.
        var decisions: [String: String]
        /// What the case exercises, for the failure message.
        var features: [String]
    }

    static func make(seed: UInt64, placement: String = "delayed") -> Case {
        var r = RNG(state: seed)
        var pieces: [Piece] = []
        var features: [String] = []
        let nl = r.chance(20) ? "\r\n" : "\n"
        if nl == "\r\n" { features.append("crlf") }
        let u = String(repeating: " ", count: r.pick([2, 2, 3, 4]))
        let bom = r.chance(10)
        if bom { features.append("bom") }
        let finalNewline = r.chance(80)
        if !finalNewline { features.append("no-final-newline") }

        func line(_ s: String) { pieces.append(.both(s + nl)) }

        // Objects: 1–3, some used by a step, maybe one aliasing another.
        let count = 1 + r.int(3)
        var used: [String] = []
        var decisions: [String: String] = [:]
        var objectPieces: [Piece] = []
        var anchored: String? = nil
        var anchorOwner: String? = nil
        var anchorFixed = false
        var anchorMarkerIndex: Int? = nil
        var anchorMarker: Piece? = nil
        var aliases: [String] = []
        for i in 0..<count {
            let name = "obj\(i)"
            let isUsed = i == 0 || r.chance(60)
            if isUsed { used.append(name) }
            // An alias of an earlier anchored object: the fix goes once, at the anchor.
            if let a = anchored, let owner = anchorOwner, r.chance(50) {
                features.append("alias")
                objectPieces.append(.both("\(u)\(name): *\(a)" + (r.chance(30) ? "   # same as \(owner)" : "") + nl))
                aliases.append(name)
                if isUsed, !anchorFixed, let idx = anchorMarkerIndex, let m = anchorMarker {
                    objectPieces[idx] = m
                    anchorFixed = true
                }
                continue
            }
            if r.chance(15) { objectPieces.append(.both("\(u)# object \(name)\(nl)")) }
            let anchor = anchored == nil && r.chance(30) ? "a\(i)" : nil
            if let anchor {
                anchored = anchor
                anchorOwner = name
                features.append("anchor")
            }
            let anchorText = anchor.map { " &\($0)" } ?? ""
            let unsafeField = r.chance(15)
            let series = unsafeField ? "{load: t.csv, length: 30000, dtype: int64}" : "{range: 30000, dtype: int64}"
            let willFix = isUsed
            if anchor != nil { anchorFixed = willFix }
            var marker: Piece
            if r.chance(35) {
                // Flow mapping.
                features.append("flow")
                let existing = r.chance(15)
                if existing {
                    features.append("existing-placement")
                    marker = .replaced(old: "embed", new: placement)
                    let text1 = "\(u)\(name):\(anchorText) {class: Mapper, placement: "
                    let text2 = ", fields: {series: {series: \(series)}}}" + (r.chance(40) ? "  # trailing" : "") + nl
                    objectPieces.append(.both(text1))
                    objectPieces.append(willFix ? marker : .both("embed"))
                    if !willFix, anchor != nil { anchorMarkerIndex = objectPieces.count - 1; anchorMarker = marker }
                    objectPieces.append(.both(text2))
                } else if r.chance(30) {
                    features.append("multi-line-flow")
                    objectPieces.append(.both("\(u)\(name):\(anchorText) {\(nl)\(u)\(u)class: Mapper,\(nl)\(u)\(u)fields: {series: {series: \(series)}}"))
                    marker = .fixedOnly(", placement: \(placement)")
                    objectPieces.append(willFix ? marker : .both(""))
                    if !willFix, anchor != nil { anchorMarkerIndex = objectPieces.count - 1; anchorMarker = marker }
                    objectPieces.append(.both((r.chance(50) ? "   # last field" : "") + "\(nl)\(u)\(u)}\(nl)"))
                } else {
                    let key = r.pick(["class", "\"class\"", "'class'"])
                    objectPieces.append(.both("\(u)\(name):\(anchorText) {\(key): Mapper, fields: {series: {series: \(series)}}"))
                    marker = .fixedOnly(", placement: \(placement)")
                    objectPieces.append(willFix ? marker : .both(""))
                    if !willFix, anchor != nil { anchorMarkerIndex = objectPieces.count - 1; anchorMarker = marker }
                    objectPieces.append(.both("}" + (r.chance(40) ? "   # {not: a, mapping}" : "") + nl))
                }
            } else {
                // Block mapping: entries in some order; the last decides where the key goes.
                features.append("block")
                let e2 = u + u
                var entries: [[String]] = []
                let classKey = r.pick(["class", "class", "\"class\"", "'class'"])
                if classKey != "class" { features.append("quoted-key") }
                entries.append(r.chance(20)
                    ? ["\(e2)\(classKey): |-", "\(e2)\(u)Mapper"]  // a block scalar
                    : ["\(e2)\(classKey): Mapper" + (r.chance(30) ? "   # __main__" : "")])
                if r.chance(50) {
                    entries.append(["\(e2)fields: {series: {series: \(series)}}" + (r.chance(30) ? "  # ~240 KB" : "")])
                } else {
                    features.append("nested-block")
                    entries.append(["\(e2)fields:", "\(e2)\(u)series:", "\(e2)\(u)\(u)series: \(series)" + (r.chance(40) ? "   # leaf" : "")])
                }
                if r.chance(40) { entries.append(["\(e2)methods: {lookup: {kernel: take, with: {table: self.series}}}"]) }
                if r.chance(20) {
                    features.append("block-scalar-keep")
                    entries.append(["\(e2)lint:", "\(e2)\(u)reason: |+", "\(e2)\(u)\(u)kept on purpose", ""])
                }
                // Shuffle all but keep the keep-scalar last (its trailing blank line is content).
                var body = entries
                if body.count > 1, r.chance(50), body.last?.last != "" { body.swapAt(0, body.count - 1) }
                objectPieces.append(.both("\(u)\(name):\(anchorText)\(nl)"))
                for (k, entry) in body.enumerated() {
                    if k > 0, r.chance(10) { objectPieces.append(.both("\(e2)# between entries\(nl)")) }
                    for l in entry { objectPieces.append(.both(l + nl)) }
                }
                marker = .fixedOnly("\(e2)placement: \(placement)\(nl)")
                let blockScalarLast = body.last?.first?.hasSuffix("|-") == true
                objectPieces.append(willFix ? marker : .both(""))
                if !willFix, anchor != nil { anchorMarkerIndex = objectPieces.count - 1; anchorMarker = marker }
                // After the mapping: blank line (part of a strip block scalar's range), comments.
                if blockScalarLast, r.chance(60) { objectPieces.append(.both(nl)); features.append("block-scalar-blank") }
                let commentAfter = r.chance(25)
                if commentAfter { objectPieces.append(.both("\(e2)# after the last entry\(nl)")); features.append("comment-after") }
                // Blank lines right after a `|+` scalar are its content: the key goes after them, so the generator adds none there.
                let keepLast = body.last?.last == ""
                if r.chance(25), commentAfter || !keepLast { objectPieces.append(.both(nl)) }
                if r.chance(20) { objectPieces.append(.both("# column-0 comment\(nl)")) }
            }
            if willFix { decisions[name] = placement }
        }
        // Every object that shares the anchor's node gets its placement.
        if anchorFixed, let owner = anchorOwner {
            decisions[owner] = placement
            for a in aliases { decisions[a] = placement }
        }

        // Sections in a random order; the objects section last puts the insertion at the end of the file.
        var sections: [[Piece]] = []
        sections.append([.both("cluster: {scheduler: distributed, workers: 2}\(nl)")])
        sections.append([.both("objects:\(nl)")] + objectPieces)
        sections.append([.both("functions:\(nl)\(u)f: {params: [block, m], kernel: take, with: {table: m.series}}\(nl)")])
        sections.append([.both("arrays:\(nl)\(u)x: {shape: [100000], chunks: [1000], dtype: int64, source: range}\(nl)")])
        var steps = "steps:\(nl)"
        for (k, o) in used.enumerated() { steps += "\(u)s\(k): {map_blocks: f, over: [x], args: [\(o)]}\(nl)" }
        sections.append([.both(steps)])
        sections.append([.both("outputs:\(nl)" + used.indices.map { "\(u)s\($0): persist\(nl)" }.joined())])
        if r.chance(40) {
            let objects = sections.remove(at: 1)
            sections.append(objects)
            features.append("objects-last")
        } else if r.chance(50) {
            sections.shuffle(using: &r)
        }
        line((bom ? "\u{FEFF}" : "") + "pipeline: gen-\(seed)")
        line("version: 1")
        for s in sections { pieces += s }

        var original = ""
        var expected = ""
        for p in pieces {
            switch p {
            case .both(let s): original += s; expected += s
            case .fixedOnly(let s): expected += s
            case .replaced(let o, let n): original += o; expected += n
            }
        }
        // A file ending in a blank line keeps it: the break may belong to a `|+` scalar.
        if !finalNewline, !original.hasSuffix(nl + nl) {
            original = dropFinalBreak(original, nl)
            expected = dropFinalBreak(expected, nl)
        } else if !finalNewline {
            features.removeAll { $0 == "no-final-newline" }
        }
        return Case(seed: seed, original: Array(original.utf8), expected: Array(expected.utf8), decisions: decisions, features: features)
    }

    /// Drops the final line break (`\r\n` is one Character).
    static func dropFinalBreak(_ s: String, _ nl: String) -> String {
        var s = s
        if s.hasSuffix(nl) { s.removeLast() }
        return s
    }
}

extension PipelineGenerator.RNG: RandomNumberGenerator {}
