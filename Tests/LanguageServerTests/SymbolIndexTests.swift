import Foundation
@testable import LanguageServer
import Lint
import PipelineIR
import Rules
import Testing

/// The name index: exactly the scalars the front end resolved.
@Suite struct SymbolIndexTests {
    static func index(_ text: String) throws -> (SymbolIndex, SourceFile) {
        let a = DocumentAnalysis(TextDocument(uri: "file:///nonexistent/i.yaml", version: 1, text: text), configuration: Configuration(), rules: makeAllRules())
        return (try #require(a.index), a.source)
    }

    @Test func anAliasedArgumentIsOneOccurrence() throws {
        let text = SuppressionActionTests.seed.replacingOccurrences(
            of: "  looked_up: {map_blocks: f, over: [x], args: [mapper]}\n",
            with: "  looked_up: {map_blocks: f, over: [x], args: &args [mapper]}\n  again: {map_blocks: f, over: [x], args: *args}\n")
        let (index, source) = try Self.index(text)
        let mapper = index.occurrences(of: .object, "mapper")
        #expect(mapper.map { source.position(of: $0.range.start).description } == ["5:3", "14:54"])
        #expect(mapper.map(\.isDefinition) == [true, false])
    }

    @Test func parametersCommentsAndPythonReferencesAreNotNames() throws {
        let (index, source) = try Self.index(SuppressionActionTests.seed)
        // `mapper` is also f's parameter and appears in `with: {table: mapper.series}` and in comments.
        #expect(index.occurrences(of: .object, "mapper").map { source.text($0.range) } == ["mapper", "mapper"])
        #expect(index.occurrences.map { "\($0.kind.rawValue) \($0.name) \(source.position(of: $0.range.start))" } == [
            "object mapper 5:3", "field mapper.series 8:7", "method mapper.lookup 10:7", "function f 12:3",
            "step looked_up 14:3", "function f 14:27", "array x 14:37", "object mapper 14:48", "array x 17:3", "step looked_up 19:3",
        ])
    }

    /// Frames (format 1.2) are names too: defined under `frames:`, referenced by `over` and `merge`.
    @Test func framesAreDefinedAndReferenced() throws {
        let text = """
            pipeline: t
            version: 1.2
            objects:
              ref: {dataframe: {length: 10, columns: {k: {dtype: int64}}}}
            frames:
              people: {rows: 100, partitions: 4, columns: {k: {dtype: int64}}}
              small: {from_pandas: ref, partitions: 1}
            steps:
              j: {merge: people, with: small, on: k}
            outputs:
              j: persist

            """
        let (index, source) = try Self.index(text)
        #expect(index.occurrences(of: .frame, "people").map { source.position(of: $0.range.start).description } == ["6:3", "9:14"])
        #expect(index.occurrences(of: .frame, "small").map(\.isDefinition) == [true, false])
        #expect(index.occurrences(of: .object, "ref").map { source.position(of: $0.range.start).description } == ["4:3", "7:24"])
    }

    /// A broadcast merge's right-hand `dataframe:` object and a `from_pandas` frame's object are
    /// references though neither is a graph edge: renaming the object renames them.
    @Test func edgelessObjectReadsAreReferences() throws {
        let text = """
            pipeline: t
            version: 1.2
            objects:
              reference: {dataframe: {length: 10, columns: {k: {dtype: int64}}}}
              table: {dataframe: {length: 10, columns: {k: {dtype: int64}, v: {dtype: int64}}}}
            frames:
              refs: {from_pandas: reference, partitions: 2}
            steps:
              j: {merge: refs, with: table, on: k}
            outputs:
              j: persist

            """
        let (index, source) = try Self.index(text)
        #expect(index.occurrences(of: .object, "reference").map { "\(source.position(of: $0.range.start)) \($0.isDefinition)" } == ["4:3 true", "7:23 false"])
        #expect(index.occurrences(of: .object, "table").map { "\(source.position(of: $0.range.start)) \($0.isDefinition)" } == ["5:3 true", "9:26 false"])
    }
}
