import Foundation

/// Folder names derived from a pipeline's free-text name.
public enum OutputSlug {
    /// Letters, digits, `-`, `_` and `.` of `name`; runs of anything else become one
    /// `-`; no leading dot (so never `.` or `..`), at most 64 bytes; "pipeline" when
    /// nothing is left. `../../site-packages/x` gives `site-packages-x`.
    public static func slug(_ name: String) -> String {
        var out = ""
        for u in name.unicodeScalars {
            let keep = u.isASCII && (CharacterSet.alphanumerics.contains(u) || u == "-" || u == "_" || u == ".")
            if keep {
                out.unicodeScalars.append(u)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasPrefix(".") || out.hasPrefix("-") { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        if out.utf8.count > 64 { out = String(out.prefix(64)) }
        return out.isEmpty ? "pipeline" : out
    }
}

/// Where a run may write: below its output folder, never through a symbolic link
/// planted there (`save: link/x.npy` with `link -> /elsewhere`).
public enum OutputPaths {
    /// The URL of `relative` (a `save:` path or a file name) under `directory`, with its
    /// folders created. A component that exists as a symbolic link, or as anything but
    /// a folder, is refused before anything is created under it.
    public static func prepare(_ relative: String, in directory: URL) throws(ExecutorError) -> URL {
        let parts = relative.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
        var path = directory.path
        for part in parts.dropLast() {
            path = path.hasSuffix("/") ? path + part : path + "/" + part
            var st = stat()
            if lstat(path, &st) != 0 {
                guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                    throw ExecutorError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
                }
                guard lstat(path, &st) == 0 else { throw ExecutorError(.io, "cannot create \(path)") }
            }
            if st.st_mode & S_IFMT == S_IFLNK {
                throw ExecutorError(.refused, "`save: \(relative)`: \(path) is a symbolic link; outputs are never written through links",
                                    help: "remove the link, or choose another output folder with -o")
            }
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw ExecutorError(.io, "cannot write `\(relative)`: \(path) is not a folder")
            }
        }
        return URL(fileURLWithPath: parts.isEmpty ? path : (path.hasSuffix("/") ? path : path + "/") + parts[parts.count - 1])
    }

    /// Creates the temporary file `url` for writing: an old file or link of that name is
    /// removed first, and the new one is created exclusively, never through a link.
    static func createTemporary(_ url: URL) -> Int32 {
        unlink(url.path)
        return open(url.path, O_CREAT | O_EXCL | O_NOFOLLOW | O_RDWR | O_CLOEXEC, 0o644)
    }
}
