import Foundation
import PipelineIR
import Sizing

/// What distributed 2026.8 spends, in pickled bytes, to ship each kind of layer —
/// measured by `calibration/graph_bytes.py` on a real `LocalCluster`
/// (fixture: `Tests/AnalysisTests/Fixtures/graph_bytes.json`).
///
/// The client pickles the *unmaterialized* high-level graph in one go; the
/// scheduler materializes it. So a Blockwise layer (`zeros`, `ones`,
/// `map_blocks`) costs a constant plus its `chunks` tuples, while a layer dask
/// materializes on the client (`arange`, `random`, rechunk, the tree of a
/// reduction) costs a key and arguments per task. Embedded objects cost their
/// wire size once: pickle's memo stores a shared object a single time.
public enum GraphCosts {
    /// Submit bytes of one layer: a fixed part plus a per-chunk part.
    public struct LayerCost: Sendable, Hashable {
        /// Bytes independent of the chunk count (the layer object, its function, meta).
        public var fixed: Int64
        /// Bytes per counted unit (a task, or an entry of a `chunks` tuple).
        public var perUnit: Int64
        /// Counted units.
        public var units: Int
        /// `fixed + perUnit × units`, saturating.
        public var total: Int64 { Sat.add(fixed, Sat.mul(perUnit, Int64(units))) }
    }

    // Measured on the graphs `pipelint export` builds (calibration/graph_bytes.py: 1-D arrays
    // of 1000-element chunks at 100 and 1000 chunks; 2-D 8 × 32 blocks at 50 and 500).
    // zeros 4137 / 12982, ones 4131 / 12976: Blockwise creation, 9.8 B per chunk in 1-D (the
    // chunks tuple is pickled three times, 3 B per BININT2 entry); 2-D: fixed 3254, 11 B per
    // chunk of the grid (4 B more than the 1-D formula gives for its entries).
    static let blockwiseCreationFixed: Int64 = 3150
    static let blockwiseCreationPerExtraDimension: Int64 = 100
    // 1-D, measured chunk by chunk (`da.ones` of 100-element chunks at 100, 200, 255, 256, 257,
    // 300, 1,000, 65,535 and 65,536 chunks: 4,028 … 5,268, 5,277, 5,286 … 593,001, 593,012 B):
    // the k-th chunk costs its size's int, its own index's int and 4 B — 8 B below 256 chunks,
    // 9 B from the 256th (BININT1 → BININT2), 11 B from the 65,536th (BININT); with 1,000-element
    // chunks 9 → 10 B. Fixed part 3,228–3,237 B (zeros 4,137 / 12,982 B at 100 / 1,000 chunks).
    static let blockwiseCreation1DFixed: Int64 = 3232
    static let blockwiseCreation1DPerChunk: Int64 = 4
    // arange 8316 / 80915 / 810050 (10k) / 10789754 (130k): one materialized task per chunk.
    static let rangeFixed: Int64 = 240
    static let rangePerChunk: Int64 = 81
    // The format's `random` (and `load`, and N-D `range`) as the export builds it: a
    // `map_blocks` over `block_info` (`pipelint_runtime._source_block`, pickled by
    // reference), not `da.random` (whose default_rng state costs 135 B per chunk). Dask
    // materializes one `block_info` dict per chunk: 64–66 B per chunk in 1-D, 72 B in 2-D;
    // about 1.15 KB for the layer (817 B fitted over 100 → 1000 1-D chunks, where the
    // offsets outgrow 2-byte ints; 1,134–1,182 B in 2-D; 1,242 B at 32 → 64 1-D chunks).
    static let blockInfoSourceFixed: Int64 = 1150
    // Format 1.1 dtypes: a complex or nanosecond source passes its storage dtype to
    // `_source_block` (`storage='<M8[ns]'`, once in the layer), and the `meta` of a
    // datetime64/timedelta64 layer pickles a dtype with its unit (state version 4, never
    // memo-shared): ≈ 40 B more per such layer than a float64 meta (timestamps-binned in
    // the cross-check).
    static let storageKeywordBytes: Int64 = 20
    static let nanosecondMetaBytes: Int64 = 40
    static let blockInfoSourceBase: Int64 = 56
    static let blockInfoSourcePerDimension: Int64 = 8
    // map_blocks: Blockwise, fused with its input on `persist`, nothing per chunk. The first
    // one in a graph also pays for what later layers share through pickle's memo (numpy's
    // array reconstruction for `meta`, cloudpickle's function machinery): +826 to +1,032 B
    // for the first, +455 to +563 B for a second calling another function (zeros, range and
    // random sources, 1-D and 2-D), +220 B for a second calling the same one (two `dot`
    // steps): the function itself, a `__main__` function pickled by value, travels once.
    static let mapBlocksFixed: Int64 = 240
    static let firstMapBlocksExtra: Int64 = 380
    static let functionByValueBytes: Int64 = 300
    // A map_blocks that drops an axis (`dot` with 1-D weights, `drop_axis=1`), fused with its
    // input, describes a smaller output than one with explicit `chunks=`: ≈ 200 B less (range
    // 2-D: +650–800 B for the layer against +860 B for a `dot` with 2-D weights, objects aside);
    // not when the input is used twice and travels on its own.
    static let dropAxisSaving: Int64 = 200
    // A tree reduction after map_blocks (sum, mean, min, max, count alike): 1,037–1,201 B in
    // 1-D and 1,385–1,455 B in 2-D, and one materialized task per node of the combine tree
    // (the per-chunk partials are Blockwise): ≈ 26 B per node in 1-D, 34 B in 2-D, where Dask
    // splits `split_every` over the axes (4 → 2 per axis).
    static let reduceFixedBase: Int64 = 975
    static let reduceFixedPerDimension: Int64 = 160
    static let reduceNodeBase: Int64 = 18
    static let reduceNodePerDimension: Int64 = 8
    // Fusion blocked: a layer whose result two layers use (or one layer and an output) is not
    // fused into its consumers, so its tasks travel materialized: +7 B per chunk; a reduction
    // over such a layer also materializes its per-chunk partials: +6.5 B per chunk more
    // (two `dot` steps over one array, one of them reduced and an output too: +7.2, +13.4 and
    // +19.4 B per chunk at 50 → 100 chunks).
    static let unfusedPerChunk: Int64 = 7
    static let unfusedPartialsPerChunk: Int64 = 6

    // rechunk 1000 → 2000: 139 B per output chunk (a concatenate task with its getitem keys).
    static let rechunkFixed: Int64 = 190
    static let rechunkPerChunk: Int64 = 139
    // A `dask.delayed(build_x, pure=True)(…)` task: its key and task wrapper; what it calls
    // (`ObjectValues.builderCall`) is priced by the size model on top. Measured as the
    // difference in fixed submit bytes from the same graph with the object embedded:
    // 1139 B with a one-method `__main__` class (model 774 + this), 422 B for a Series read
    // from a file (99 + this).
    static let delayedTaskBytes: Int64 = 340
    // A scattered object's future in the graph, once: its key (`Mapper-<token>`) and the
    // future's reduce (216 B for a `Mapper`, against the 60 B a task's key reference costs).
    static let scatterReferenceBytes: Int64 = 216

    // Per-task `run_spec` bytes on dispatch (`len(pickle.dumps(ts.run_spec))`), measured:
    // zeros 2470, ones 2463 (the task carries its meta), arange 215, the block_info source 531–538,
    // rechunk 330; a map_blocks layer adds ≈ 560 B plus every embedded object's wire size
    // (range+mapper: 242,415 B = 215 + 567 + the 241,633 B object).
    static let zerosTaskBytes: Int64 = 2470
    static let rangeTaskBytes: Int64 = 215
    static let blockInfoSourceTaskBytes: Int64 = 535
    // The map_blocks task alone (not fused: over a 1-D `range`, or an input used twice):
    // range+mapper 242,315 B = 682 + the 241,633 B object (the fixture's task_bytes_max).
    static let mapBlocksTaskBytes: Int64 = 682
    static let reduceTaskBytes: Int64 = 140
    static let rechunkTaskBytes: Int64 = 330
    // A key reference to a delayed or normalize_arg-wrapped object inside a task (744 B for the
    // unfused map_blocks task with a delayed argument against 682 B), a scattered object's
    // future (763 B).
    static let keyReferenceBytes: Int64 = 60
    static let futureReferenceBytes: Int64 = 80
    // A map_blocks fused with its Blockwise input, as the scheduler dispatches the fused task:
    // the input's task plus this. Measured on fresh 2-worker LocalClusters (crosscheck/probes.py,
    // the scheduler's `run_spec` of the fused task): over the `block_info` source 1,353 B with a
    // delayed argument (535 + 758 + its key), 1,377 B with a scattered one (535 + 762 + its
    // future), random+scale 1,320 B (535 + 785); over zeros 712 B (zeros+scale 3,182 B); a second
    // map_blocks in a fused chain +289 B (zeros/random + scale + bound).
    static let fusedOverCreationBytes: Int64 = 712
    // Re-measured with the runtime's complex and nanosecond sources (its `_source_block` is
    // pickled by value into the fused task): 1,386 B delayed (535 + 791 + key), 1,410 B scattered.
    static let fusedOverBlockInfoBytes: Int64 = 793
    static let fusedOverMapBlocksBytes: Int64 = 289
    // A fused task that embeds a `__main__` object (pickled by value) shares cloudpickle's
    // machinery with the function: zeros+mapper 244,445 B = 2,470 + 342 + object, seed-argument
    // 242,613 B = 535 + 428 + the 241,650 B object.
    static let fusedSharedWithObjectBytes: Int64 = 320
    // dask.local's pool takes tasks in batches of `chunksize` (6 by default): that many
    // pickled task messages per pool process are prepared in the parent.
    static let processesChunksize = 6

    /// What a `map_blocks` task adds to the task of the Blockwise `input` fused into it.
    static func fusedMapBlocksBytes(over input: Graph.Layer) -> Int64 {
        switch input.kind {
        case .array(let a):
            switch a.source {
            case .zeros, .ones: fusedOverCreationBytes
            case .range, .random, .load: fusedOverBlockInfoBytes
            }
        default: fusedOverMapBlocksBytes
        }
    }

    /// Where a layer stands in its graph: what its submit bytes depend on beyond the layer itself.
    public struct LayerContext: Sendable {
        /// The first block input (for a reduction, its chunk grid shapes the tree).
        public var input: Graph.Layer?
        /// Layers that read the input, and whether it is an output: 1 when the layer can fuse with it.
        public var inputUses = 1
        /// Layers that read this layer's result, and whether it is an output.
        public var uses = 1
        /// Whether a reduction reads this layer's result.
        public var isReduced = false
        /// A map_blocks layer is the graph's first.
        public var isFirstMapBlocks = false
        /// A map_blocks layer calls a function no earlier layer pickled (a bound method travels
        /// with its instance).
        public var shipsNewFunction = true
        /// `__main__` classes an earlier part of the same pickle carried already.
        public var shippedClasses: Set<String> = []
        /// A lookup's table (format 1.2): its placement decides how Dask is called.
        public var table: PipelineObject?
        /// A DataFrame is in the pickle already (pandas' machinery is a memo reference after).
        public var framePickled = false

        public init() {}
    }

    // Per-item steps (format 1.1), what the client sends, objects aside (calibration/per_item.py,
    // a `__main__` function, 200 → 400 items): a `dask.delayed` loop persisted at once ≈ 152–156 B
    // per item (each call a materialized task with its tokenized key); `client.map` ≈ 1.1 KB + 46 B
    // per item; `client.submit` one message per call, 750 B each beyond the object it pickles
    // again (submit-small-argument, 4 → 16 calls: 8,938–8,942 B per call with its 8,128 B ndarray
    // and the sum's 62 B; the function is pickled by value into each message). A reduction of the results in one task: `dask.delayed(sum)(runs)` persisted with the
    // loop ≈ 29 B per item (simulation-loop in one persist: 181 B per item in all, crosscheck part
    // (b); alone, over persisted results, it would send ≈ 108 B per item: 20,844 B at 200), and
    // `client.submit(sum, futures)`, always a message of its own, 312 B + ≈ 62 B per item (11,515 B
    // at 200, 25,307 B at 400): both grow a little faster than linearly, as keys lengthen.
    static let perItemDelayedBytes: Int64 = 152
    static let perItemMapFixed: Int64 = 1_100
    static let perItemMapBytes: Int64 = 46
    static let perItemSubmitBytes: Int64 = 750
    static let itemsReduceDelayedBytes: Int64 = 29
    static let itemsReduceFuturesFixed: Int64 = 312
    static let itemsReduceFuturesBytes: Int64 = 62

    /// The submit cost of a per-item step or of the one-task reduction over one; nil for other layers.
    static func perItemCost(of layer: Graph.Layer, in context: LayerContext) -> LayerCost? {
        if let loop = layer.perItem {
            switch loop.form {
            case .delayed: return LayerCost(fixed: 0, perUnit: perItemDelayedBytes, units: layer.taskCount)
            case .map: return LayerCost(fixed: perItemMapFixed, perUnit: perItemMapBytes, units: layer.taskCount)
            case .submit: return LayerCost(fixed: 0, perUnit: perItemSubmitBytes, units: layer.taskCount)
            }
        }
        guard layer.reducesItems, let input = context.input, let form = input.perItem?.form else { return nil }
        if form == .delayed { return LayerCost(fixed: 0, perUnit: itemsReduceDelayedBytes, units: input.taskCount) }
        return LayerCost(fixed: itemsReduceFuturesFixed, perUnit: itemsReduceFuturesBytes, units: input.taskCount)
    }

    /// Submit bytes of a layer, without the objects it embeds (those are counted once per graph).
    public static func submitCost(of layer: Graph.Layer, in context: LayerContext = LayerContext()) -> LayerCost {
        var cost = layerCost(of: layer, in: context)
        // Fusion blocked by a second use: the layer's tasks travel materialized, and so do the
        // per-chunk partials of a reduction over it.
        if context.uses >= 2, layer.object == nil, layer.perItem == nil, cost.units == layer.taskCount {
            cost.perUnit = Sat.add(cost.perUnit, unfusedPerChunk)
            if context.isReduced { cost.perUnit = Sat.add(cost.perUnit, unfusedPartialsPerChunk) }
        }
        return cost
    }

    static func layerCost(of layer: Graph.Layer, in context: LayerContext) -> LayerCost {
        if let cost = perItemCost(of: layer, in: context) { return cost }
        if let cost = FrameCosts.submitCost(of: layer, table: context.table, sharesMachinery: context.framePickled) { return cost }
        switch layer.kind {
        case .object(let o):
            return LayerCost(fixed: o.placement == .delayed ? delayedTask(o, shipped: context.shippedClasses) : 0, perUnit: 0, units: 0)
        case .array(let a):
            switch a.source {
            case .zeros, .ones:
                if a.grid.dims.count == 1 {
                    // What the per-chunk index ints add beyond the 2 B each of the first 255 goes in the fixed part.
                    let n = layer.taskCount
                    let steps = Sat.add(Int64(max(0, min(n, 65535) - 255)), Sat.mul(3, Int64(max(0, n - 65535))))
                    let perChunk = pickledIntBytes(a.grid.dims[0].maxSize) + 2 + blockwiseCreation1DPerChunk
                    return LayerCost(fixed: Sat.add(blockwiseCreation1DFixed, steps), perUnit: perChunk, units: n)
                }
                let extraDimensions = Int64(max(0, a.grid.dims.count - 1))
                let perChunk = 3 * pickledIntBytes(a.grid.dims.map(\.maxSize).max() ?? 0) + 1 + 4 * extraDimensions
                let fixed = blockwiseCreationFixed + blockwiseCreationPerExtraDimension * extraDimensions
                return LayerCost(fixed: fixed, perUnit: perChunk, units: layer.taskCount)
            case .range where a.grid.dims.count <= 1:
                return LayerCost(fixed: rangeFixed, perUnit: rangePerChunk, units: layer.taskCount)
            case .range, .load, .random:
                let perChunk = blockInfoSourceBase + blockInfoSourcePerDimension * Int64(max(1, a.grid.dims.count))
                let extra = (a.dtype.needsFormat11 ? storageKeywordBytes : 0) + (a.dtype.isTemporal ? nanosecondMetaBytes : 0)
                return LayerCost(fixed: blockInfoSourceFixed + extra, perUnit: perChunk, units: layer.taskCount)
            }
        case .mapBlocks(let call):
            var fixed = mapBlocksFixed + (context.isFirstMapBlocks ? firstMapBlocksExtra : 0) + (context.shipsNewFunction ? functionByValueBytes : 0)
            if let t = call?.resultStorage, t == .datetime64 || t == .timedelta64 { fixed += nanosecondMetaBytes }
            if let input = context.input, context.inputUses == 1, input.grid.dims.count > layer.grid.dims.count {
                fixed -= dropAxisSaving
            }
            return LayerCost(fixed: fixed, perUnit: 0, units: layer.taskCount)
        case .reduce(_, let split):
            let counts = context.input?.grid.dims.map(\.count) ?? [layer.inputChunkCount]
            let perNode = reduceNodeBase + reduceNodePerDimension * Int64(max(1, counts.count))
            let fixed = reduceFixedBase + reduceFixedPerDimension * Int64(max(1, counts.count))
            return LayerCost(fixed: fixed, perUnit: perNode, units: reductionTreeNodes(chunks: counts, splitEvery: split))
        case .rechunk:
            return LayerCost(fixed: rechunkFixed, perUnit: rechunkPerChunk, units: layer.taskCount)
        case .frame, .merge, .rows, .groupby:
            return LayerCost(fixed: 0, perUnit: 0, units: layer.taskCount)
        }
    }

    /// `run_spec` bytes of one task of `layer` on dispatch, without its objects.
    public static func taskBaseBytes(of layer: Graph.Layer, table: PipelineObject? = nil) -> Int64 {
        if let bytes = FrameCosts.taskBytes(of: layer, table: table) { return bytes }
        return switch layer.kind {
        case .object(let o): o.placement == .delayed ? delayedTask(o) : 0
        case .array(let a):
            switch a.source {
            case .zeros, .ones: zerosTaskBytes
            case .range where a.grid.dims.count <= 1: rangeTaskBytes
            case .range, .load, .random: blockInfoSourceTaskBytes
            }
        case .frame, .mapBlocks, .merge, .rows, .groupby: mapBlocksTaskBytes
        case .reduce: reduceTaskBytes
        case .rechunk: rechunkTaskBytes
        }
    }

    /// Bytes of a delayed object's task: the key and wrapper, plus the builder call.
    /// `shipped`: `__main__` classes an earlier delayed task of the same graph pickled already.
    static func delayedTask(_ o: PipelineObject, shipped: Set<String> = []) -> Int64 {
        let (call, references) = ObjectValues.builderCall(o, shipped: shipped)
        return Sat.add(Sat.add(delayedTaskBytes, SizeModel.wireSize(call).bytes), ObjectValues.memoReferenceBytes * Int64(references))
    }

    /// Combine and aggregate nodes of Dask's reduction tree over a grid of `chunks` per axis
    /// (`PipelineIR.reductionTreeNodes`, the count `Layer.taskCount` uses too).
    static func reductionTreeNodes(chunks: [Int], splitEvery: Int) -> Int {
        guard !chunks.isEmpty, chunks.allSatisfy({ $0 > 0 }) else { return 0 }
        return PipelineIR.reductionTreeNodes(chunksPerAxis: chunks, splitEvery: splitEvery)
    }

    /// Bytes of the pickle opcode for a non-negative int (BININT1 / BININT2 / BININT / LONG1).
    static func pickledIntBytes(_ x: Int) -> Int64 {
        if x < 256 { return 2 }
        if x < 65536 { return 3 }
        if x <= Int(Int32.max) { return 5 }
        return 10
    }
}
