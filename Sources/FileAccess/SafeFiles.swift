import Foundation

/// Reading files named by untrusted input: bounded reads that never trust
/// `stat`'s size, special files (FIFOs, devices, sockets) refused before a
/// byte is read, and paths confined to a folder after symbolic links.
public enum SafeFiles {
    /// Why a file was not read.
    public enum Failure: Error, Equatable, Sendable {
        /// Nothing at the path (or a dangling link).
        case missing
        /// Not a regular file: `kind` is "a directory", "a FIFO", "a device"….
        case notRegular(kind: String)
        /// More than `limit` bytes (the read stopped at limit + 1).
        case tooLarge(limit: Int)
        /// The path resolves (after symbolic links) outside the confining folder.
        case outside
        /// Any other I/O error, as strerror says it.
        case io(String)

        /// A FIFO, device or socket (not a directory).
        public var isSpecial: Bool {
            if case .notRegular(let kind) = self { return kind != "a directory" }
            return false
        }

        /// "is a FIFO, not a regular file", "does not exist"…, to follow a path.
        public var phrase: String {
            switch self {
            case .missing: "does not exist"
            case .notRegular(let kind): "is \(kind), not a regular file"
            case .tooLarge(let limit): "is over the \(limit)-byte limit"
            case .outside: "resolves outside the pipeline's folder (through a symbolic link)"
            case .io(let message): "cannot be read: \(message)"
            }
        }
    }

    /// What is at a path, after symbolic links.
    public enum Status: Equatable, Sendable {
        case regular
        case failure(Failure)
    }

    /// The kind of a non-regular file for messages, from `st_mode`.
    static func kindName(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    /// The canonical path (symbolic links resolved), or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether canonical `path` is `folder` itself or below it (both canonical).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// `relative` joined to `folder` ("" is the working directory).
    public static func join(_ folder: String, _ relative: String) -> String {
        folder.isEmpty ? relative : (folder.hasSuffix("/") ? folder + relative : folder + "/" + relative)
    }

    /// What `relative` (a `load:` path) names inside `folder`, after symbolic links.
    public static func status(of relative: String, inside folder: String) -> Status {
        let path = join(folder, relative)
        guard let resolved = realPath(path) else { return .failure(errno == ENOENT || errno == ENOTDIR ? .missing : .io(String(cString: strerror(errno)))) }
        guard let base = realPath(folder.isEmpty ? "." : folder), isInside(resolved, base) else { return .failure(.outside) }
        var st = stat()
        guard stat(resolved, &st) == 0 else { return .failure(.io(String(cString: strerror(errno)))) }
        if let kind = kindName(st.st_mode) { return .failure(.notRegular(kind: kind)) }
        return .regular
    }

    /// Reads `path`, a regular file of at most `limit` bytes. Opening never blocks
    /// (a FIFO is refused, not waited on) and at most `limit + 1` bytes are read
    /// whatever `stat` says (`/dev/zero`, `/proc` files report sizes that lie).
    /// With `confinedTo`, the file actually opened must lie inside that folder.
    public static func read(_ path: String, limit: Int = .max, confinedTo folder: String? = nil) -> Result<[UInt8], Failure> {
        // A name that is not valid UTF-8 is opened by its real bytes (`RawPaths`).
        let fd = RawPaths.withCString(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else {
            return .failure(errno == ENOENT || errno == ENOTDIR ? .missing : .io(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.io(String(cString: strerror(errno)))) }
        if let kind = kindName(st.st_mode) { return .failure(.notRegular(kind: kind)) }
        if let folder {
            // The file really opened, not a name that could be swapped after a check.
            guard let opened = openedPath(fd, fallback: path), let base = realPath(folder.isEmpty ? "." : folder),
                  isInside(opened, base) else { return .failure(.outside) }
        }
        return readAll(fd, limit: limit, sizeHint: Int(st.st_size))
    }

    /// The canonical path of an open file descriptor.
    static func openedPath(_ fd: Int32, fallback: String) -> String? {
        #if os(Linux)
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return realPath(fallback)
        #else
        var buf = [CChar](repeating: 0, count: Int(MAXPATHLEN) + 1)
        if fcntl(fd, F_GETPATH, &buf) == 0 { return String(cString: buf) }
        return realPath(fallback)
        #endif
    }

    /// Reads to the end, failing as soon as more than `limit` bytes arrive.
    static func readAll(_ fd: Int32, limit: Int, sizeHint: Int) -> Result<[UInt8], Failure> {
        let cap = limit == .max ? Int.max : limit + 1
        var out: [UInt8] = []
        out.reserveCapacity(min(max(sizeHint, 0), min(cap, 1 << 26)) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let want = min(chunk.count, cap - out.count)
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.io(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return .failure(.tooLarge(limit: limit)) }
        }
        return .success(out)
    }
}
