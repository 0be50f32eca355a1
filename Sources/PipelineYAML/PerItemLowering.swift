import PipelineIR

/// Per-item steps (format 1.1): `delayed: f`, `submit: f` or `map: f` with `items:` — one call
/// of `f` per item, as Dask's docs write the loop (docs/pipeline-format.md, "Per-item steps").
/// Lowered to a `map_blocks` call with no `over`, carrying its loop (`Step.perItem`).
extension Lowerer {
    static let perItemKinds = PerItemForm.allCases.compactMap { KnownKey(rawValue: $0.rawValue) }
    static let perItemKeys: [KnownKey] = [.items, .args, .kwargs, .lint]

    mutating func lowerPerItemStep(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue,
                                   kindEntry: Entry,
                                   entries es: [Entry], suppressions supp: Suppressions?) -> Step? {
        guard let form = PerItemForm(rawValue: keyText(kindEntry)) else { return nil }
        checkKeys(es, allowed: (kindEntry.code.map { [$0] } ?? []) + Self.perItemKeys, in: "`\(form.rawValue)` step `\(name)`")
        guard requireVersion11("a per-item step (`\(form.rawValue)`)", kindEntry.keyRange) else { return nil }
        guard let calleeText = string(kindEntry.value, "`\(form.rawValue)`") else { return nil }
        guard let callee = lowerCallee(calleeText, range: textRange(kindEntry.value)) else { return nil }
        guard let itemsEntry = es.first(.items) else {
            error("`\(form.rawValue)` step `\(name)` needs `items` (a range or a list of numbers)", v.at)
            return nil
        }
        guard let items = itemList(itemsEntry.value, step: name) else { return nil }
        var args: [CallArgument] = []
        if let a = es.first(.args) {
            for item in list(a.value, "`args`") ?? [] {
                if let arg = perItemArgument(item) { args.append(arg) }
            }
        }
        var kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)] = []
        if let k = es.first(.kwargs), let ks = mapping(k.value, "`kwargs`", keysAreNames: true) {
            for e in ks {
                if let arg = perItemArgument(e.value) { kwargs.append((keyText(e), e.keyRange, arg)) }
            }
        }
        let itemUses = args.filter { if case .item = $0 { true } else { false } }.count
            + kwargs.filter { if case .item = $0.value { true } else { false } }.count
        if itemUses == 0 {
            error("`\(form.rawValue)` step `\(name)` never passes `item`: every call would be the same", kindEntry.keyRange,
                  help: "pass the loop's item in `args` (`args: [..., item]`)")
            return nil
        }
        if form == .map {
            guard checkMapArguments(args, kwargs: kwargs, step: name) else { return nil }
        }
        var step = Step(name: name, nameRange: nameRange, range: v.at,
                        kind: .mapBlocks(callee: callee, over: [], args: args, kwargs: kwargs, dtype: nil), suppressions: supp)
        step.perItem = PerItem(form: form, items: items, formRange: kindEntry.keyRange, itemsRange: itemsEntry.value.at)
        return step
    }

    /// `client.map(f, items, *iterables, **kwargs)`: the items are its first iterable, so `item`
    /// comes first in `args` and nowhere else; every other positional is repeated per item.
    mutating func checkMapArguments(_ args: [CallArgument], kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], step: String) -> Bool {
        var ok = true
        if let first = args.first, case .item = first {} else {
            error("`map` step `\(step)` passes `item` first: `client.map(f, items, ...)` maps over its first iterable", args.first?.range ?? .at(0),
                  help: "write `args: [item, ...]`")
            ok = false
        }
        for a in args.dropFirst() {
            if case .item(let r) = a { error("`item` is passed once, first, in a `map` step", r); ok = false }
        }
        for kw in kwargs {
            if case .item(let r) = kw.value {
                error("`client.map` passes keyword arguments unchanged to every call; `item` must be its first positional argument", r)
                ok = false
            }
        }
        return ok
    }

    /// An argument of a per-item step: `item`, or what a `map_blocks` argument may be.
    mutating func perItemArgument(_ v: WrittenValue) -> CallArgument? {
        if case .string("item")? = scalar(v) {
            if isDeclared("item", in: .objects) {
                error("`item` names the loop's item in a per-item step; object `item` cannot be passed here", textRange(v),
                      help: "rename the object")
                return nil
            }
            return .item(range: textRange(v))
        }
        return argument(v)
    }

    /// `items:` — `{range: N}`, `{range: [START, STOP]}`, or a non-empty list of numbers.
    mutating func itemList(_ v: WrittenValue, step: String) -> ItemList? {
        if tree[v.id].kind == .sequence {
            guard let xs = list(v, "`items`") else { return nil }
            if xs.isEmpty {
                error("`items` of step `\(step)` is empty: the step would make no tasks", v.at, help: "list at least one item")
                return nil
            }
            var integers: [Int64] = [], values: [Double] = []
            for x in xs {
                switch scalar(x) {
                case .int(let i)?: integers.append(i); values.append(Double(i))
                case .float(let d)?: values.append(d)
                default:
                    error("an item must be a number, not \(kindName(x))", x.at, help: "items are numbers; pass objects in `args`")
                    return nil
                }
            }
            return integers.count == values.count ? .integers(integers) : .values(values)
        }
        guard let es = mapping(v, "`items`") else { return nil }
        checkKeys(es, allowed: [.range], in: "`items`")
        guard let r = es.first(.range) else {
            error("`items` needs `range` (`{range: N}` or `{range: [START, STOP]}`) or a list of numbers", v.at)
            return nil
        }
        if tree[r.value.id].kind == .sequence {
            guard let bounds = list(r.value, "`range`") else { return nil }
            guard bounds.count == 2 else {
                error("`range` takes `N` or `[START, STOP]`, not \(bounds.count) numbers", r.value.at)
                return nil
            }
            guard let start = int(bounds[0], "`range` start", min: Int64.min), let stop = int(bounds[1], "`range` stop", min: Int64.min) else { return nil }
            guard stop > start else {
                error("`range: [\(start), \(stop)]` of step `\(step)` is empty: the step would make no tasks", r.value.at, help: "STOP must be greater than START")
                return nil
            }
            let (count, overflow) = stop.subtractingReportingOverflow(start)
            guard !overflow else {
                error("`range: [\(start), \(stop)]` has more items than pipelint can count", r.value.at)
                return nil
            }
            return .range(start: Int64(start), count: count)
        }
        guard let n = int(r.value, "`range`") else { return nil }
        guard n > 0 else {
            error("`range: 0` of step `\(step)` is empty: the step would make no tasks", r.value.at, help: "loop over at least one item")
            return nil
        }
        return .range(start: 0, count: n)
    }
}
