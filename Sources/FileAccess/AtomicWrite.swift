import Foundation

/// Writes a whole file so that a reader sees the old file or the new one, never a
/// part: the bytes go to `.<name>.partial-<pid>` beside it (created exclusively,
/// never through a link), are synced, and the temporary file is renamed over the
/// target. A failure (a full disk, a signal) leaves the temporary file removed and
/// the target as it was. Every whole-file output of the tool goes through here:
/// `export -o`, baselines, `results.json`, the memory and compare reports.
public enum AtomicWrite {
    /// Why a write failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var operation: String
        public var errno: Int32
        public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
    }

    /// The temporary name beside `path` (`dir/.name.partial-PID`).
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    }

    /// Writes `bytes` as the whole of `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let temp = temporaryPath(for: path)
        unlink(temp)
        let fd = open(temp, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, operation: "create", errno: errno) }
        func fail(_ operation: String) -> Failure {
            let e = errno
            close(fd)
            unlink(temp)
            return Failure(path: path, operation: operation, errno: e)
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            done += n
        }
        guard fsync(fd) == 0 else { throw fail("fsync") }
        guard close(fd) == 0 else {
            let e = errno
            unlink(temp)
            throw Failure(path: path, operation: "close", errno: e)
        }
        guard rename(temp, path) == 0 else {
            let e = errno
            unlink(temp)
            throw Failure(path: path, operation: "rename", errno: e)
        }
        let dfd = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Writes `text` (UTF-8) as the whole of `path`.
    public static func write(_ text: String, to path: String) throws(Failure) {
        try write(Array(text.utf8), to: path)
    }
}
