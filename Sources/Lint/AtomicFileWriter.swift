#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a fixed file was not written. Every case names the file; in every case
/// the original is left exactly as it was.
public enum FileWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file has no write permission bits.
    case readOnly(path: String)
    /// The file's bytes are no longer the ones that were fixed.
    case changedOnDisk(path: String)
    /// The path resolves (through a symbolic link) to a file outside the tree it was found in.
    case outsideTree(path: String, target: String, root: String)
    /// Not a regular file (a directory, a device, a socket…).
    case notRegularFile(path: String)
    /// A system call failed; `operation` says which step.
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .readOnly(let p): return "\(p): the file is read-only; nothing was changed"
        case .changedOnDisk(let p): return "\(p): the file changed on disk while it was being fixed; nothing was written (run the fix again)"
        case .outsideTree(let p, let t, let r): return "\(p): a symbolic link to \(t), outside \(r); not following it, nothing was changed"
        case .notRegularFile(let p): return "\(p): not a regular file; nothing was changed"
        case .io(let p, let op, let e): return "\(p): \(op) failed: \(String(cString: strerror(e))); the original is unchanged"
        }
    }
}

/// Replaces a file's contents so that a reader sees either the old bytes or
/// the new ones, never a mix, and a crash or a full disk leaves the original:
/// write a temporary file in the same folder, copy the mode, fsync, check the
/// original is still what was read, rename over it, fsync the folder.
/// A symbolic link is resolved and its target replaced (the link stays a
/// link), but only when the target lies inside `root`.
public enum AtomicFileWriter {
    /// Test hooks: fail a step or run code just before the rename.
    package struct Faults: Sendable {
        /// Fail the write of the temporary file with this errno after this many bytes.
        package var failWrite: (afterBytes: Int, errno: Int32)?
        /// Runs just before the final check and rename (a test edits the file here).
        package var beforeRename: (@Sendable () -> Void)?
        package init(failWrite: (afterBytes: Int, errno: Int32)? = nil, beforeRename: (@Sendable () -> Void)? = nil) {
            self.failWrite = failWrite
            self.beforeRename = beforeRename
        }
    }

    /// Writes `new` over `path` if its current bytes are `expected`.
    public static func replace(_ path: String, expected: [UInt8], with new: [UInt8], root: String) throws(FileWriteError) {
        try replace(path, expected: expected, with: new, root: root, faults: Faults())
    }

    /// `replace`, except that the folder is not synced: the caller passes the returned
    /// folder to `syncFolders` once all its files are written, so that many files renamed
    /// in one folder pay for one folder fsync. Until then a crash leaves each file whole,
    /// old or new (the rename is atomic; only its durability waits for the folder's fsync).
    public static func replaceSyncingFolderLater(_ path: String, expected: [UInt8], with new: [UInt8], root: String) throws(FileWriteError) -> String {
        try replace(path, expected: expected, with: new, root: root, faults: Faults(), syncFolder: false)
    }

    /// Makes the renames done in these folders durable: one fsync per distinct folder.
    public static func syncFolders(_ folders: some Sequence<String>) {
        var done = Set<String>()
        for dir in folders where done.insert(dir).inserted { syncFolder(dir) }
    }

    static func syncFolder(_ dir: String) {
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Returns the folder the file was renamed in (synced unless `syncFolder` is false).
    @discardableResult
    package static func replace(_ path: String, expected: [UInt8], with new: [UInt8], root: String, faults: Faults,
                                syncFolder sync: Bool = true) throws(FileWriteError) -> String {
        let target = try resolve(path, root: root)
        var st = stat()
        guard stat(target, &st) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: path) }
        // Rename would replace a read-only file without complaint (and root may write anything): ask the mode bits.
        guard st.st_mode & 0o222 != 0 else { throw .readOnly(path: path) }
        guard try readAll(target, path: path) == expected else { throw .changedOnDisk(path: path) }

        let dir = directory(of: target)
        let base = String(target[target.index(after: target.lastIndex(of: "/") ?? target.startIndex)...])
        var template = Array("\(dir)/.\(base).pipelint-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io(path: path, operation: "creating a temporary file in \(dir)", errno: errno) }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        func cleanUp() {
            if !closed { close(fd) }
            unlink(tmp)
        }
        _ = fchmod(fd, st.st_mode & 0o7777)
        _ = fchown(fd, st.st_uid, st.st_gid)  // keeps the owner when allowed; failing is harmless
        var written = 0
        while written < new.count {
            var chunk = new.count - written
            if let f = faults.failWrite {
                if written >= f.afterBytes {
                    cleanUp()
                    throw .io(path: path, operation: "write", errno: f.errno)
                }
                chunk = min(chunk, f.afterBytes - written)
            }
            let n = new.withUnsafeBufferPointer { write(fd, $0.baseAddress! + written, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                cleanUp()
                throw .io(path: path, operation: "write", errno: e)
            }
            written += n
        }
        if let f = faults.failWrite, f.afterBytes <= new.count {
            cleanUp()
            throw .io(path: path, operation: "write", errno: f.errno)
        }
        guard fsync(fd) == 0 else {
            let e = errno
            cleanUp()
            throw .io(path: path, operation: "fsync", errno: e)
        }
        closed = true
        guard close(fd) == 0 else {
            let e = errno
            unlink(tmp)
            throw .io(path: path, operation: "close", errno: e)
        }
        faults.beforeRename?()
        // Last check: someone may have saved the file while it was being fixed.
        let current: [UInt8]
        do { current = try readAll(target, path: path) } catch {
            unlink(tmp)
            throw error
        }
        guard current == expected else {
            unlink(tmp)
            throw .changedOnDisk(path: path)
        }
        guard rename(tmp, target) == 0 else {
            let e = errno
            unlink(tmp)
            throw .io(path: path, operation: "rename", errno: e)
        }
        if sync { syncFolder(dir) }
        return dir
    }

    /// The real path of `path`, refused when it lies outside the real path of `root`.
    static func resolve(_ path: String, root: String) throws(FileWriteError) -> String {
        guard let real = realPath(path) else { throw .io(path: path, operation: "resolving the path", errno: errno) }
        guard let realRoot = realPath(root) else { throw .io(path: path, operation: "resolving \(root)", errno: errno) }
        let inside = realRoot == "/" || real == realRoot || real.hasPrefix(realRoot + "/")
        guard inside else { throw .outsideTree(path: path, target: real, root: root) }
        return real
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    static func directory(of p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    /// The whole file.
    static func readAll(_ target: String, path: String) throws(FileWriteError) -> [UInt8] {
        let fd = open(target, O_RDONLY)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// The device and inode of a file (following links), to tell when two paths name one file.
    public static func identity(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

/// A file's device and inode.
public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
}
