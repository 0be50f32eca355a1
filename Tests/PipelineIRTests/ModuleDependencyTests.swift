import Foundation
import Testing

/// The dependency rules of docs/architecture.md, held against both `Package.swift` and the
/// `import` lines of every source file: a module imports only what it may, and declares
/// exactly what it imports.
@Suite struct ModuleDependencyTests {
    /// Which project modules each module may import. The executor and the exporter take the
    /// graph and never the front end; the driver is the only library above rules and optimizer.
    static let allowed: [String: Set<String>] = [
        "PipelineIR": [],
        "Sizing": ["PipelineIR"],
        "HostileInputs": [],
        "FileAccess": [],
        "PipelineYAML": ["CYAML", "PipelineIR"],
        "Analysis": ["PipelineIR", "Sizing"],
        "Lint": ["PipelineYAML", "PipelineIR", "Analysis", "FileAccess"],
        "Rules": ["Lint", "PipelineYAML", "PipelineIR", "Sizing", "Analysis", "FileAccess"],
        "Optimizer": ["PipelineIR"],
        "Driver": ["Lint", "Rules", "Optimizer", "PipelineIR", "PipelineYAML", "FileAccess"],
        "CKernels": [],
        "Executor": ["PipelineIR", "FileAccess", "CKernels"],
        "Export": ["PipelineIR"],
        "JSONRPC": [],
        "LanguageServer": ["JSONRPC", "Driver", "Lint", "Rules", "PipelineYAML", "PipelineIR", "Analysis", "Sizing"],
        "pipelint": ["Driver", "Lint", "Rules", "PipelineYAML", "PipelineIR", "Executor", "Analysis", "Export", "FileAccess", "JSONRPC", "LanguageServer"],
        "pipelint-bench": ["CYAML", "PipelineYAML", "PipelineIR", "Lint", "Rules", "Driver", "Executor", "Analysis", "HostileInputs", "JSONRPC", "LanguageServer"],
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Project modules imported by the Swift files under `Sources/<module>` (not inside string literals:
    /// only lines that are an import statement on their own).
    static func imports(of module: String) throws -> Set<String> {
        let modules = Set(allowed.keys).union(["CYAML"])
        let dir = root.appendingPathComponent("Sources/\(module)")
        var found = Set<String>()
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
                      words[..<i].allSatisfy({ ["@preconcurrency", "@testable", "internal", "public", "package", "private"].contains($0) }) else { continue }
                // `import enum PipelineIR.Sat` imports one declaration of a module.
                let kinds: Set<String> = ["enum", "struct", "class", "func", "protocol", "typealias", "var", "let"]
                var name = words[i + 1]
                if kinds.contains(name), i + 2 < words.count { name = String(words[i + 2].split(separator: ".").first ?? "") }
                if modules.contains(name) { found.insert(name) }
            }
        }
        return found
    }

    /// Each target's declared dependencies on project modules, from Package.swift.
    static func declared() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = #/\.(?:target|executableTarget)\(\s*name: "([\w-]+)"(?:,\s*dependencies: \[([^\]]*)\])?/#
        var out: [String: Set<String>] = [:]
        for m in text.matches(of: pattern) {
            // `.product(name: "X", package: …)` names an external product: not a project module.
            let list = m.output.2.map { String($0).replacing(#/\.product\([^)]*\)/#, with: "") } ?? ""
            let deps = list.matches(of: #/"([\w-]+)"/#).map { String($0.output.1) }
            out[String(m.output.1)] = Set(deps).intersection(Set(allowed.keys).union(["CYAML"]))
        }
        return out
    }

    @Test func everyModuleImportsOnlyWhatItMay() throws {
        for (module, may) in Self.allowed {
            let imported = try Self.imports(of: module)
            #expect(imported.subtracting(may).isEmpty, "\(module) imports \(imported.subtracting(may).sorted()), which docs/architecture.md does not allow")
        }
    }

    @Test func packageDeclaresExactlyWhatEachModuleImports() throws {
        let declared = try Self.declared()
        #expect(Set(declared.keys) == Set(Self.allowed.keys), "targets in Package.swift: \(declared.keys.sorted())")
        for (module, deps) in declared {
            let imported = try Self.imports(of: module)
            #expect(deps == imported, "\(module): Package.swift declares \(deps.sorted()) but the sources import \(imported.sorted())")
        }
    }
}
