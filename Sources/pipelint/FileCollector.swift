import PipelineIR
import Foundation
import Lint
import PipelineYAML

/// A file to lint, and whether a directory scan found it (then non-pipelines are skipped).
struct CollectedFile {
    var path: String
    var source: SourceFile
    var fromDirectory: Bool
    /// Set when the file is over the size limit and was not read.
    var oversizeBytes: Int?
}

/// Expands paths: files as given, directories recursively (`*.yaml`, `*.yml`;
/// hidden folders and `.build` skipped), in sorted order.
enum FileCollector {
    /// `maxFileBytes` gives each file's size limit (from its configuration); larger files are not read.
    static func collect(_ paths: [String], maxFileBytes: (String) -> Int = { _ in ParseLimits.default.maxFileBytes })
        -> (files: [CollectedFile], skipped: [String], errors: [String])
    {
        var files: [CollectedFile] = []
        var errors: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                errors.append("\(path): no such file or directory")
                continue
            }
            if isDir.boolValue {
                for rel in walk(path) {
                    let full = path == "." ? rel : (path.hasSuffix("/") ? path + rel : path + "/" + rel)
                    switch read(full, maxFileBytes: maxFileBytes(full)) {
                    case .success(let s): files.append(CollectedFile(path: full, source: s, fromDirectory: true))
                    case .failure(let e) where e.oversize != nil:
                        files.append(CollectedFile(path: full, source: SourceFile(path: full, bytes: []), fromDirectory: false, oversizeBytes: e.oversize))
                    case .failure(let e): errors.append(e.message)
                    }
                }
            } else {
                switch read(path, maxFileBytes: maxFileBytes(path)) {
                case .success(let s): files.append(CollectedFile(path: path, source: s, fromDirectory: false))
                case .failure(let e) where e.oversize != nil:
                    files.append(CollectedFile(path: path, source: SourceFile(path: path, bytes: []), fromDirectory: false, oversizeBytes: e.oversize))
                case .failure(let e): errors.append(e.message)
                }
            }
        }
        return (files, [], errors)
    }

    struct ReadError: Error {
        var message: String
        var oversize: Int? = nil
    }

    /// Reads a file; one over the size limit is not read (the parser reports it).
    static func read(_ path: String, maxFileBytes: Int) -> Result<SourceFile, ReadError> {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path) else {
            return .failure(ReadError(message: "\(path): cannot read"))
        }
        let size = (attrs[.size] as? NSNumber)?.intValue ?? 0
        if size > maxFileBytes {
            return .failure(ReadError(message: "", oversize: size))
        }
        guard let fh = FileHandle(forReadingAtPath: path) else {
            return .failure(ReadError(message: "\(path): permission denied or not a regular file"))
        }
        defer { try? fh.close() }
        do {
            let data = try fh.readToEnd() ?? Data()
            return .success(SourceFile(path: path, bytes: [UInt8](data)))
        } catch {
            return .failure(ReadError(message: "\(path): \(error.localizedDescription)"))
        }
    }

    /// Relative paths of YAML files under `root`, sorted.
    static func walk(_ root: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") || name == "node_modules" {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir), isDir.boolValue { e.skipDescendants() }
                continue
            }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { out.append(rel) }
        }
        return out.sorted()
    }

    /// Whether unparsable bytes still look like a pipeline (a `pipeline:` key at
    /// the start of a line), so its syntax error is reported rather than skipped.
    static func mentionsPipeline(_ bytes: [UInt8]) -> Bool {
        let key = Array("pipeline:".utf8)
        var i = 0
        var atLineStart = true
        while i + key.count <= bytes.count {
            if atLineStart, bytes[i] == key[0], Array(bytes[i..<(i + key.count)]) == key { return true }
            atLineStart = bytes[i] == 0x0A || bytes[i] == 0x0D
            i += 1
        }
        return false
    }
}
