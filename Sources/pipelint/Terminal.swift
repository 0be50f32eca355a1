import FileAccess
import Foundation

/// `--color`: auto (a terminal, `NO_COLOR` unset; `FORCE_COLOR` forces it), always or never.
enum ColorChoice: String, CaseIterable, Sendable {
    case auto, always, never
}

/// Where a command's report goes, and whether it is coloured.
enum Output {
    /// Whether text output is coloured: `--color always|never` decides; with `auto`, a non-empty
    /// `FORCE_COLOR` (other than `0`) turns colour on, a non-empty `NO_COLOR` turns it off, and
    /// otherwise standard output must be a terminal (not `TERM=dumb`, not `--output-file`).
    static func colors(_ choice: ColorChoice, toFile: Bool) -> Bool {
        switch choice {
        case .always: return true
        case .never: return false
        case .auto:
            if let force = environment("FORCE_COLOR"), !force.isEmpty, force != "0" { return true }
            if let no = environment("NO_COLOR"), !no.isEmpty { return false }
            return !toFile && isatty(STDOUT_FILENO) == 1 && environment("TERM") != "dumb"
        }
    }

    /// One environment variable (without building the whole environment dictionary).
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Writes the report to standard output, or to `path` (`--output-file`); a file that cannot be written is exit 2.
    static func emit(_ text: String, to path: String?) throws {
        guard let path else {
            writeStandardOutput(text)
            return
        }
        do { try writeFile(path, text) } catch {
            printError("pipelint: error: cannot write \(path): \(error)")
            throw ExitStatus.usage
        }
    }
}

/// A file-system error as the system says it (`No such file or directory`), never Foundation's
/// `The operation could not be completed. (NSCocoaErrorDomain error 4.)`.
func describeIOError(_ error: any Error) -> String {
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    guard ns.domain == NSCocoaErrorDomain else { return "\(error)" }
    switch CocoaError.Code(rawValue: ns.code) {
    case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
    case .fileReadNoPermission, .fileWriteNoPermission: return String(cString: strerror(EACCES))
    case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
    case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
    case .fileWriteFileExists: return String(cString: strerror(EEXIST))
    default: return String(cString: strerror(EIO))
    }
}

/// `check -`: the pipeline on standard input (an editor's buffer, a pipe).
enum StandardInput {
    struct Failure: Error { var message: String }

    /// At most `limit` bytes; more is an error (nothing past limit + 1 is read).
    static func read(limit: Int) -> Result<[UInt8], Failure> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(STDIN_FILENO, $0.baseAddress, min($0.count, limit + 1 - bytes.count)) }
            if n == 0 { return .success(bytes) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(message: String(cString: strerror(errno))))
            }
            bytes += chunk[0..<n]
        }
        return .failure(Failure(message: "over the \(limit)-byte limit"))
    }
}

/// Writes `text` as the whole of `path` (`FileAccess.AtomicWrite`: a temporary file beside it,
/// renamed over it); a failure is worded by `strerror` (`Not a directory`).
func writeFile(_ path: String, _ text: String) throws(FileWriteError) {
    do { try AtomicWrite.write(text, to: path) } catch { throw FileWriteError(errno: error.errno) }
}

/// A failed write, as `strerror` says it.
struct FileWriteError: Error, CustomStringConvertible {
    var errno: Int32
    var description: String { String(cString: strerror(errno)) }
}

/// `message` with Foundation's "The operation could not be completed. (NSCocoaErrorDomain error N.)"
/// replaced by what the code means, for messages a library built from a Foundation error.
func withoutFoundationCodes(_ message: String) -> String {
    let marker = "(NSCocoaErrorDomain error "
    guard let start = message.range(of: marker), let close = message[start.upperBound...].range(of: ".)") else { return message }
    let code = Int(message[start.upperBound..<close.lowerBound]) ?? 0
    let phrase = describeIOError(NSError(domain: NSCocoaErrorDomain, code: code))
    var head = message[..<start.lowerBound]
    let generic = "The operation could not be completed. "
    if head.hasSuffix(generic) { head = head.dropLast(generic.count) }
    return withoutFoundationCodes(head + phrase + message[close.upperBound...])
}
