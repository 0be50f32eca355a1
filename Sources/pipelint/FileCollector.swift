import FileAccess
import Foundation
import Lint
import PipelineIR
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
    /// `ignores`: what `.gitignore` and `.ignore` files exclude from directory scans (nil: nothing).
    static func collect(_ paths: [String], ignores: IgnoreFiles? = nil, maxFileBytes: (String) -> Int = { _ in ParseLimits.default.maxFileBytes })
        -> (files: [CollectedFile], skipped: [String], errors: [String], warnings: [String])
    {
        var files: [CollectedFile] = []
        var errors: [String] = []
        var warnings: [String] = []
        var skipped: [String] = []
        for argument in paths {
            let path = RawPaths.argument(argument)
            var st = stat()
            guard RawPaths.withCString(path, { stat($0, &st) }) == 0 else {
                errors.append("\(path): no such file or directory")
                continue
            }
            if st.st_mode & S_IFMT == S_IFDIR {
                let found = walk(path, ignores: ignores)
                for dir in found.unreadable { warnings.append("\(dir): cannot list this folder; its files were not checked") }
                for rel in found.files {
                    let full = path == "." ? rel : (path.hasSuffix("/") ? path + rel : path + "/" + rel)
                    switch read(full, maxFileBytes: maxFileBytes(full)) {
                    case .success(let s): files.append(CollectedFile(path: full, source: s, fromDirectory: true))
                    case .failure(let e) where e.oversize != nil:
                        files.append(CollectedFile(path: full, source: SourceFile(path: full, bytes: []), fromDirectory: false, oversizeBytes: e.oversize))
                    case .failure(let e) where e.special: skipped.append("\(full) (\(e.message.dropFirst(full.count + 2)))")
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
        return (files, skipped, errors, warnings)
    }

    struct ReadError: Error {
        var message: String
        var oversize: Int? = nil
        /// A FIFO, device or socket: skipped by a directory scan, an error when named.
        var special = false
    }

    /// Reads a file; one over the size limit is not read (the parser reports it). At most
    /// the limit + 1 bytes are read whatever `stat` says, and a FIFO, device or
    /// directory is refused without reading from it.
    static func read(_ path: String, maxFileBytes: Int) -> Result<SourceFile, ReadError> {
        switch SafeFiles.read(path, limit: maxFileBytes) {
        case .success(let bytes):
            return .success(SourceFile(path: path, bytes: bytes))
        case .failure(.tooLarge):
            var st = stat()
            let size = stat(path, &st) == 0 ? Int(st.st_size) : 0
            return .failure(ReadError(message: "", oversize: max(size, maxFileBytes + 1)))
        case .failure(let e):
            return .failure(ReadError(message: "\(path): \(e == .missing ? "no such file or directory" : e.phrase)", special: e.isSpecial))
        }
    }

    /// Relative paths of YAML files under `root`, sorted; folders that cannot be
    /// listed are returned apart. Symbolic links to folders are not followed. Names
    /// are read as bytes: one that is not valid UTF-8 is shown with `\xFF` escapes
    /// (and opened by its real bytes, `RawPaths`). Paths `ignores` (.gitignore, .ignore) excludes are skipped.
    static func walk(_ root: String, ignores: IgnoreFiles? = nil) -> (files: [String], unreadable: [String]) {
        var out: [String] = []
        var unreadable: [String] = []
        let rootRaw = RawPaths.raw(for: root)
        var pending: [(rel: String, raw: [UInt8])] = [("", rootRaw)]
        while let (rel, dirRaw) = pending.popLast() {
            guard let dir = opendir(dirRaw.map { CChar(bitPattern: $0) } + [0]) else {
                unreadable.append(rel.isEmpty ? root : SafeFiles.join(root, rel))
                continue
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let nameRaw = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
                if nameRaw == [0x2E] || nameRaw == [0x2E, 0x2E] || nameRaw.first == 0x2E { continue }
                let name = RawPaths.display(nameRaw)
                if name == "node_modules" { continue }
                let childRaw = dirRaw + [0x2F] + nameRaw
                let child = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                let cpath = childRaw.map { CChar(bitPattern: $0) } + [0]
                guard lstat(cpath, &st) == 0 else { continue }
                let isDir = st.st_mode & S_IFMT == S_IFDIR
                if let ignores, ignores.isIgnored(root: root, relative: child, isDirectory: isDir) { continue }
                if isDir {
                    pending.append((child, childRaw))
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    // The path `collect` will open, mapped to its real bytes when it needs escapes.
                    let full = root == "." ? child : (root.hasSuffix("/") ? root + child : root + "/" + child)
                    if String(validating: childRaw, as: UTF8.self) == nil { RawPaths.register(full, raw: childRaw) }
                    out.append(child)
                }
            }
        }
        return (out.sorted(), unreadable.sorted())
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
