import Foundation
import HostileInputs
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// Peak memory and time of `check` (every rule) on each hostile file, each in
/// a fresh process so one case's freed memory cannot hide the next one's peak;
/// baseline: the seed pipeline, measured the same way in the same run.
///
/// Per case: the process's peak RSS (VmHWM) and its rise over the resident
/// size just before linting (the generated file's own bytes are already resident).
enum HostileBenchmark {
    static func run() {
        let names = ["seed"] + HostileInputs.all().map(\.name)
        print("hostile: check with every rule, one process per case")
        print(pad("case", 24) + pad("file", 10) + pad("time", 10) + pad("peak RSS", 12) + pad("rise", 12) + "findings")
        var baseline: Double?
        for name in names {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            p.arguments = ["hostile-case", name]
            let pipe = Pipe()
            p.standardOutput = pipe
            do { try p.run() } catch {
                print("\(name): could not start: \(error)")
                continue
            }
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            let f = out.split(separator: " ").map(String.init)
            guard p.terminationStatus == 0, f.count == 5, let size = Int(f[0]), let seconds = Double(f[1]), let peak = Int(f[2]),
                  let rise = Int(f[3]) else {
                print(pad(name, 24) + "FAILED (status \(p.terminationStatus)): \(out)")
                continue
            }
            let note: String
            if let b = baseline { note = String(format: "  (%.2f× baseline peak)", Double(peak) / b) } else {
                baseline = Double(peak)
                note = "  [baseline]"
            }
            print(pad(name, 24) + pad(mb(size), 10) + pad(String(format: "%.3f s", seconds), 10) + pad(mb(peak), 12)
                  + pad(mb(rise), 12) + f[4].trimmingCharacters(in: .whitespacesAndNewlines) + note)
        }
    }

    /// Child process: lints one case and prints `fileBytes seconds peakRSS rise findings`.
    static func runCase(_ name: String) {
        let bytes: [UInt8]
        if name == "seed" {
            bytes = Array(HostileInputs.seed.utf8)
        } else if let c = HostileInputs.all().first(where: { $0.name == name }) {
            bytes = c.bytes
        } else {
            print("unknown case \(name)")
            exit(2)
        }
        let linter = Linter(rules: makeAllRules())
        let source = SourceFile(path: "hostile.yaml", bytes: bytes)
        resetPeakRSS()
        let before = procStatus("VmRSS")
        var findings = 0
        let t = measure(repeats: 1) { findings = linter.lint(source).findings.count }
        let peak = procStatus("VmHWM")
        print("\(bytes.count) \(t) \(peak) \(max(0, peak - before)) \(findings)")
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
