import Foundation

/// `estimate`, `run`, `compare`, `graph` and `export` take one pipeline file: a folder or a path
/// that does not exist is a usage error (exit 2) that says what the command expects.
func expectPipelineFile(_ path: String, command: String) throws {
    var st = stat()
    guard stat(path, &st) == 0 else {
        let why = errno == ENOENT ? "does not exist" : "cannot be read: \(String(cString: strerror(errno)))"
        printError("pipelint: error: \(path) \(why); `pipelint \(command)` takes one pipeline file (YAML with a top-level `pipeline:` key)")
        throw ExitStatus.usage
    }
    if st.st_mode & S_IFMT == S_IFDIR {
        printError("pipelint: error: \(path) is a folder; `pipelint \(command)` takes one pipeline file (`pipelint check \(path)` lints a folder)")
        throw ExitStatus.usage
    }
}

/// Creates the output folder of `run` and `compare` (and its parents) before anything is
/// written, so a path that cannot be one is reported as the system says it.
func prepareOutputFolder(_ folder: URL) throws {
    var path = ""
    for part in folder.standardizedFileURL.path.split(separator: "/", omittingEmptySubsequences: true) {
        path += "/" + part
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            printError("pipelint: error: cannot create the output folder \(folder.path): \(path): \(String(cString: strerror(errno)))")
            throw ExitStatus.usage
        }
    }
    var st = stat()
    guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
        printError("pipelint: error: cannot create the output folder \(folder.path): \(path) exists and is not a folder")
        throw ExitStatus.usage
    }
    guard access(path, W_OK) == 0 else {
        printError("pipelint: error: cannot write into the output folder \(folder.path): \(String(cString: strerror(errno)))")
        throw ExitStatus.usage
    }
}

/// Prepares the output folder before the work that fills it, so a folder that cannot be made
/// fails before the pipeline runs; when the work fails, a folder this call created is removed
/// again if it is still empty.
func inOutputFolder<T>(_ folder: URL, _ body: () throws -> T) throws -> T {
    let existed = FileManager.default.fileExists(atPath: folder.path)
    try prepareOutputFolder(folder)
    do { return try body() } catch {
        if !existed { rmdir(folder.path) }
        throw error
    }
}
