import Foundation
import Testing
@testable import Sizing

/// Checks the model against every entry of Fixtures/calibration.json, measured from
/// real pickle / cloudpickle / dask objects by calibration/calibrate.py.
///
/// Tolerances (documented in calibration/README.md):
/// - wire: within 1% of the real size; entries pickled by cloudpickle (a `__main__`
///   class by value) get 64 bytes of extra absolute slack, because a method's code
///   object (bytecode, line table, source path) is modelled per method, not simulated.
/// - dask.sizeof: byte-exact unless dask samples (a list/tuple/dict of > 10 items of
///   unequal sizes, which dask estimates from 10 random items): then within 5%.
/// - resident: within 20%, or 2 KiB absolute (allocator noise and lazily built caches
///   dominate objects of a few KiB).
/// - normalize_arg's decision and the pickle flavor must match exactly.
@Suite struct CalibrationTests {
    static func load() throws -> CalibrationFile {
        guard let url = Bundle.module.url(forResource: "calibration", withExtension: "json",
                                          subdirectory: "Fixtures") else {
            throw FixtureValue.BadFixture(description: "Fixtures/calibration.json missing from the bundle")
        }
        return try JSONDecoder().decode(CalibrationFile.self, from: Data(contentsOf: url))
    }

    static func wireTolerance(_ e: CalibrationFile.Entry) -> Double {
        Double(e.wire) * 0.01 + (e.flavor == "cloudpickle" ? 64 : 0)
    }

    static func residentTolerance(_ e: CalibrationFile.Entry) -> Double {
        max(Double(e.resident) * 0.20, 2048)
    }

    @Test func fixtureIsForThePinnedVersions() throws {
        let f = try Self.load()
        #expect(f.versions.pickle_protocol == 5)
        #expect(f.versions.dask == "2026.8.0")
        #expect(f.versions.cloudpickle == "3.1.2")
        #expect(f.entries.count > 100)
    }

    @Test func wireSizes() throws {
        for e in try Self.load().entries {
            let v = e.value.pyValue
            let got = SizeModel.wireSize(v).bytes
            let err = abs(Double(got - e.wire))
            if err > Self.wireTolerance(e) {
                Issue.record("\(e.id): wire expected \(e.wire), got \(got)")
            }
            let flavor: PickleFlavor = e.flavor == "cloudpickle" ? .cloudpickle : .pickle
            if SizeModel.wireFlavor(v) != flavor {
                Issue.record("\(e.id): flavor expected \(e.flavor), got \(SizeModel.wireFlavor(v))")
            }
        }
    }

    @Test func distributedPicksTheSameBytes() throws {
        // distributed.protocol.pickle.dumps (no buffer_callback) must produce what we model.
        for e in try Self.load().entries where e.distributed_wire != e.wire {
            Issue.record("\(e.id): distributed wrote \(e.distributed_wire) bytes, plain dumps \(e.wire)")
        }
    }

    @Test func daskSizeof() throws {
        for e in try Self.load().entries {
            let est = SizeModel.daskSizeof(e.value.pyValue)
            if e.dask_sampled || est.confidence != .exact {
                let err = abs(Double(est.bytes - e.dask_sizeof))
                if err > Double(e.dask_sizeof) * 0.05 {
                    Issue.record("\(e.id): dask.sizeof expected ≈\(e.dask_sizeof), got \(est.bytes)")
                }
            } else if est.bytes != e.dask_sizeof {
                Issue.record("\(e.id): dask.sizeof expected \(e.dask_sizeof), got \(est.bytes)")
            }
        }
    }

    @Test func residentSizes() throws {
        for e in try Self.load().entries {
            let got = SizeModel.residentSize(e.value.pyValue).bytes
            if abs(Double(got - e.resident)) > Self.residentTolerance(e) {
                Issue.record("\(e.id): resident expected \(e.resident), got \(got)")
            }
        }
    }

    @Test func normalizeArgDecision() throws {
        for e in try Self.load().entries {
            let got = SizeModel.daskAutoDelays(e.value.pyValue)
            if got != e.auto_delays {
                Issue.record("\(e.id): normalize_arg delays expected \(e.auto_delays), got \(got)")
            }
        }
    }

    /// `SIZING_REPORT=1 swift test --filter errorReport` prints the worst relative error
    /// per kind (the table in calibration/README.md).
    @Test func errorReport() throws {
        guard ProcessInfo.processInfo.environment["SIZING_REPORT"] == "1" else { return }
        var worst: [String: (wire: Double, sizeof: Double, resident: Double, small: Int64, ids: [String])] = [:]
        for e in try Self.load().entries {
            let v = e.value.pyValue
            var kind = e.id.split(separator: "_").first.map(String.init) ?? e.id
            if ["true", "false", "none"].contains(kind) { kind = "none/bool" }
            if kind == "inst" || kind == "bound" { kind = kind == "inst" ? "instance" : "bound method" }
            if kind == "range" { kind = "range_list" }
            if e.flavor == "cloudpickle" { kind += " (__main__)" }
            if e.id.contains("complex") || e.id.contains("c16") || e.id.contains("c8_") { kind += " (complex)" }
            if e.id.contains("datetime") || e.id.contains("timedelta") { kind += " (datetime64/timedelta64)" }
            func rel(_ got: Int64, _ exp: Int64) -> Double {
                exp == 0 ? (got == 0 ? 0 : 1) : abs(Double(got - exp)) / Double(exp)
            }
            let w = rel(SizeModel.wireSize(v).bytes, e.wire)
            let s = rel(SizeModel.daskSizeof(v).bytes, e.dask_sizeof)
            let r = rel(SizeModel.residentSize(v).bytes, e.resident)
            var cur = worst[kind] ?? (0, 0, 0, 0, [])
            cur.wire = max(cur.wire, w)
            cur.sizeof = max(cur.sizeof, s)
            if e.resident >= 16384 {
                cur.resident = max(cur.resident, r)
            } else {
                cur.small = max(cur.small, abs(SizeModel.residentSize(v).bytes - e.resident))
            }
            cur.ids.append(e.id)
            if e.id.contains("series30000") {
                print("seed \(e.id): wire \(e.wire) model \(SizeModel.wireSize(v).bytes) \(e.flavor); "
                    + "sizeof \(e.dask_sizeof) model \(SizeModel.daskSizeof(v).bytes); "
                    + "resident \(e.resident) model \(SizeModel.residentSize(v).bytes)")
            }
            worst[kind] = cur
        }
        print("| kind | entries | wire | dask.sizeof | resident (≥16 KiB) | resident (<16 KiB, abs) |")
        print("|---|---|---|---|---|---|")
        for (k, v) in worst.sorted(by: { $0.key < $1.key }) {
            print("| \(k) | \(v.ids.count) | " + String(format: "%.3f%% | %.3f%% | %.1f%% | ", v.wire * 100,
                         v.sizeof * 100, v.resident * 100) + "\(v.small) B |")
        }
    }
}
