import Foundation
import Testing
@testable import Executor

@Suite struct ResultFileTests {
    @Test func npyRoundTrip() throws {
        let c = Chunk(shape: [2, 3], data: .f64([1.5, -0.0, .nan, .infinity, 1e-300, 42]))
        let bytes = NPY.encode(c)
        #expect((bytes.count - 6 * 8) % 64 == 0)
        #expect(String(decoding: bytes[10..<(bytes.count - 48)], as: UTF8.self).hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"))
        let back = try NPY.decode(bytes)
        #expect(back.shape == [2, 3])
        #expect(back.data.bitwiseEqual(c.data))
        let i = Chunk(shape: [4], data: .i64([1, -2, .max, .min]))
        #expect(try NPY.decode(NPY.encode(i)) == i)
    }

    @Test func crc32MatchesZlib() {
        var c = CRC32()
        Array("123456789".utf8).withUnsafeBytes { c.update($0) }
        #expect(c.value == 0xCBF4_3926)
    }

    @Test func resultsAreWrittenWithChecksumsAndNumpyLoadsThem() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = try runSample("seed-argument")
        let written = try ResultsWriter.write(seed, to: dir)
        #expect(written.map(\.file) == ["looked_up.npy"])
        #expect(written.first?.crc32.map { String(format: "%08x", $0) } == SampleRunTests.seedCRC)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["looked_up.npy", "results.json"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json"))) as? [String: Any]
        let outs = json?["outputs"] as? [[String: Any]]
        #expect(outs?.first?["crc32"] as? String == SampleRunTests.seedCRC)
        #expect(outs?.first?["shape"] as? [Int] == [100_000])
        guard let python = pythonWithNumpy else { return }  // no numpy here: the rest needs it
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import numpy, sys, zlib; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape, '%08x' % zlib.crc32(a.tobytes()), a[:3].tolist())",
                       dir.appendingPathComponent("looked_up.npy").path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(out == "int64 (100000,) \(SampleRunTests.seedCRC) [3784, 14529, 25476]\n")
    }

    @Test func saveOutputsGoUnderTheirPathAndTwoDimensionalChunksLandInPlace() throws {
        let text = """
        pipeline: grid
        version: 1
        cluster: {scheduler: threads, workers: 2}
        functions:
          twice: {params: [block], kernel: scale, with: {factor: 2}}
        arrays:
          a: {shape: [5, 7], chunks: [2, 3], dtype: int64, source: range}
        steps:
          b: {map_blocks: twice, over: [a]}
        outputs:
          b: {save: out/b.npy}

        """
        let r = try runText(text)
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ResultsWriter.write(r, to: dir)
        #expect(written.first?.file == "out/b.npy")
        let back = try NPY.decode([UInt8](Data(contentsOf: dir.appendingPathComponent("out/b.npy"))))
        #expect(back == Chunk(shape: [5, 7], data: .i64((0..<35).map { Int64($0) * 2 })))
    }
}
