import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process in its own process group, with default signal dispositions (pipelint ignores
/// SIGINT and SIGTERM while it runs, and an ignored disposition survives `exec`), its stdout and
/// stderr read line by line on their own threads. Its whole group can be stopped, so the worker
/// processes a Dask LocalCluster starts never outlive a run.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var stdoutLines: [String] = []
    private var readers: [Thread] = []
    private let done = DispatchGroup()

    /// Starts `arguments[0]` (an absolute path) with `environment`; `onStderrLine` sees each stderr line as it arrives.
    init(_ arguments: [String], environment: [String: String], onStderrLine: @escaping @Sendable (String) -> Void) throws {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw ChildProcessError("pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw ChildProcessError("cannot start \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        startReader(outPipe[0]) { [weak self] line in self?.appendStdout(line) }
        startReader(errPipe[0], onStderrLine)
    }

    private func appendStdout(_ line: String) {
        lock.lock()
        stdoutLines.append(line)
        lock.unlock()
    }

    /// The lines the child wrote on stdout (complete once `wait` returned).
    var standardOutput: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stdoutLines
    }

    private func startReader(_ fd: Int32, _ onLine: @escaping @Sendable (String) -> Void) {
        done.enter()
        let group = done
        let t = Thread {
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                pending.append(contentsOf: buffer[0..<n])
                while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    onLine(String(decoding: pending[..<nl], as: UTF8.self))
                    pending.removeSubrange(...nl)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            close(fd)
            group.leave()
        }
        t.start()
    }

    /// Sends `signal` to the child alone.
    func signal(_ sig: Int32) { _ = kill(pid, sig) }

    /// Waits for the child, polling `cancelled` every 50 ms: once it turns true the child gets
    /// SIGINT (it cancels the Dask computation and closes its cluster), and SIGKILL after `grace`
    /// seconds. Then whatever is left of its process group is stopped. Returns the exit status
    /// (128 + signal when killed).
    func wait(cancelled: () -> Bool, grace: Double = 20) -> Int32 {
        var status: Int32 = 0
        var interruptedAt: Date?
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0, errno != EINTR { break }
            if interruptedAt == nil, cancelled() {
                interruptedAt = Date()
                signal(SIGINT)
            } else if let t = interruptedAt, Date().timeIntervalSince(t) > grace {
                _ = kill(-pid, SIGKILL)
            }
            usleep(50_000)
        }
        stopGroup()
        _ = done.wait(timeout: .now() + 5)
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Stops what is left of the child's process group: SIGTERM, then SIGKILL after 3 s.
    private func stopGroup() {
        guard kill(-pid, 0) == 0 else { return }
        _ = kill(-pid, SIGTERM)
        for _ in 0..<60 {
            usleep(50_000)
            if kill(-pid, 0) != 0 { return }
        }
        _ = kill(-pid, SIGKILL)
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The executable `name` on `PATH`, if any.
func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") where !dir.isEmpty {
        let candidate = "\(dir)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}
