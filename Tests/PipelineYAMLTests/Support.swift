import Foundation
import Lint
import PipelineIR
import Testing
@testable import PipelineYAML

/// Removes `↓` markers (the rule examples' syntax); returns the text and each marker's byte offset.
func stripMarkers(_ s: String) -> (text: String, offsets: [Int]) { RulePage.stripMarkers(s) }

/// `line:col: message` for each diagnostic of the whole front end.
func frontEnd(_ text: String, limits: ParseLimits = .default) -> [String] {
    frontEnd(bytes: Array(text.utf8), limits: limits)
}

func frontEnd(bytes: [UInt8], limits: ParseLimits = .default) -> [String] {
    let src = SourceFile(path: "t.yaml", bytes: bytes)
    let loaded = LoadedPipeline.load(src, limits: limits)
    return loaded.diagnostics.map { "\(src.position(of: $0.range.start)): \($0.message)" }
}

/// The diagnostics' positions.
func positions(_ text: String) -> [SourceFile.Position] {
    let src = SourceFile(path: "t.yaml", text: text)
    return LoadedPipeline.load(src).diagnostics.map { src.position(of: $0.range.start) }
}

/// For a text with one error after a `↓` marker on its line: the marker removed, and the marker
/// replaced by an astral character (one UTF-16 pair, four UTF-8 bytes) — the error's column moves
/// by exactly one (columns count characters).
func expectAstralPrefixMovesColumnByOne(_ marked: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let plain = marked.replacingOccurrences(of: "↓", with: "")
    let shifted = marked.replacingOccurrences(of: "↓", with: "😀")
    let first = try #require(positions(plain).first, sourceLocation: sourceLocation)
    let moved = try #require(positions(shifted).first, sourceLocation: sourceLocation)
    #expect(positions(plain).count == 1, sourceLocation: sourceLocation)
    #expect(moved.line == first.line, sourceLocation: sourceLocation)
    #expect(moved.column == first.column + 1, sourceLocation: sourceLocation)
}

/// A minimal valid pipeline around `body` lines (appended at the end).
let validSeed = """
    pipeline: t
    version: 1
    cluster: {scheduler: distributed, workers: 2}
    objects:
      mapper:
        class: Mapper
        fields: {series: {series: {range: 30000, dtype: int64}}}
        methods: {lookup: {kernel: take, with: {table: self.series}}}
    functions:
      f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
    arrays:
      x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
    steps:
      looked_up: {map_blocks: f, over: [x], args: [mapper]}
    outputs:
      looked_up: persist

    """
