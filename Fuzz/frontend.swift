// libFuzzer entry: the front end and lowering (`LoadedPipeline.load`) on
// arbitrary bytes, and the fast scanner's tree against libyaml's. Built and run by scripts/fuzz.sh, not by SwiftPM.
import PipelineIR
import PipelineYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontEnd(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = SourceFile(path: "fuzz.yaml", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    // The fast scanner, when it accepts the bytes, gives libyaml's tree field by field.
    if let fast = YAMLParser.parseFast(source) {
        let slow = YAMLParser.parseWithLibyaml(source)
        if let difference = fast.firstDifference(from: slow) {
            require(false, "fast scanner and libyaml differ: \(difference)")
        }
    }
    let loaded = LoadedPipeline.load(source)
    // Every diagnostic is located inside the file, and a model comes with no errors.
    for d in loaded.diagnostics {
        require(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= size, "diagnostic outside the file: \(d.range) \(d.message)")
        _ = source.position(of: d.range.start)
    }
    if loaded.pipeline != nil {
        require(!loaded.diagnostics.contains { $0.severity == .error && ($0.code == .invalidYAML || $0.code == .invalidPipeline) },
                     "a pipeline was returned alongside a front-end error")
    }
    return 0
}
