import PipelineIR

extension Lowerer {
    /// Files `run` and `compare` write next to the outputs; a `save:` path may not take their place.
    static let runFiles: Set<String> = ["results.json", "memory.csv", "memory.json", "memory.svg", "compare.json", "compare.svg"]

    /// `save:` paths that would overwrite each other, an array output's own file
    /// (`<name>.npy`) or one of the run's files are errors at the later output.
    /// Paths compare after `.` and empty parts are dropped, ignoring case (as a
    /// case-insensitive file system would).
    mutating func checkSavePaths(_ outputs: [Output]) {
        func key(_ path: String) -> String {
            // Without a `/` (an output's own `<name>.npy`, most `save:` paths) there is nothing to split.
            guard path.utf8.contains(0x2F) else { return path == "." ? "" : path.lowercased() }
            return path.split(separator: "/").filter { $0 != "." }.joined(separator: "/").lowercased()
        }
        var owners: [String: String] = [:]
        for o in outputs {
            if case .save = o.kind { continue }
            owners[key("\(o.target.name).npy")] = "output `\(o.target.name)`"
        }
        for o in outputs {
            guard case .save(let path) = o.kind else { continue }
            let k = key(path)
            if Self.runFiles.contains(k) {
                error("`save: \(path)` would overwrite the run's own `\(k)`", o.range, help: "save the array under another name")
            } else if let owner = owners[k] {
                error("`save: \(path)` is also where \(owner) is written", o.range, help: "give each output its own file")
            } else {
                owners[k] = "`save: \(path)` of output `\(o.target.name)`"
            }
        }
    }
}
