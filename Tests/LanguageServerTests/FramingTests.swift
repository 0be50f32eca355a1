import Foundation
import JSONRPC
import Testing

/// The framing layer on byte streams as a pipe delivers them: any split, several
/// messages per read, broken headers, bodies that are not JSON.
@Suite struct FramingTests {
    static func frame(_ body: String) -> [UInt8] { MessageFramer.frame(Array(body.utf8)) }
    static func bodies(_ frames: [MessageFramer.Frame]) -> [String] {
        frames.compactMap { if case .message(let b) = $0 { String(decoding: b, as: UTF8.self) } else { nil } }
    }
    static func errors(_ frames: [MessageFramer.Frame]) -> [MessageFramer.FramingError] {
        frames.compactMap { if case .error(let e) = $0 { e } else { nil } }
    }

    @Test func aHeaderSplitAtEveryByteGivesTheMessageOnce() {
        let wire = Self.frame(#"{"jsonrpc":"2.0","method":"x"}"#)
        for cut in 1..<wire.count {
            var f = MessageFramer()
            let a = f.feed(wire[..<cut])
            let b = f.feed(wire[cut...])
            #expect(Self.bodies(a + b) == [#"{"jsonrpc":"2.0","method":"x"}"#], "cut at \(cut)")
            #expect(f.pendingByteCount == 0)
        }
    }

    @Test func severalMessagesInOneReadComeOutInOrder() {
        var f = MessageFramer()
        let wire = Self.frame("[1]") + Self.frame("[2]") + Self.frame("[3]") + Array("Content-Len".utf8)
        #expect(Self.bodies(f.feed(wire)) == ["[1]", "[2]", "[3]"])
        #expect(Self.bodies(f.feed(Array("gth: 3\r\n\r\n[4]".utf8))) == ["[4]"])
    }

    @Test func otherHeadersAndAnyCaseAreAccepted() {
        var f = MessageFramer()
        let wire = Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8)
        #expect(Self.bodies(f.feed(wire)) == ["{}"])
    }

    @Test func aBadContentLengthIsReportedAndTheNextMessageRead() {
        var f = MessageFramer()
        let wire = Array("Content-Length: -4\r\n\r\n".utf8) + Self.frame("[1]")
        let out = f.feed(wire)
        #expect(Self.errors(out) == [.invalidContentLength("-4")])
        #expect(Self.bodies(out) == ["[1]"])
        var g = MessageFramer()
        #expect(Self.errors(g.feed(Array("Content-Length: 12x\r\n\r\n".utf8))) == [.invalidContentLength("12x")])
        var h = MessageFramer()
        #expect(Self.errors(h.feed(Array("Content-Type: x\r\n\r\n".utf8))) == [.missingContentLength])
    }

    @Test func garbageBeforeAHeaderIsDroppedAndTheMessageKept() {
        var f = MessageFramer()
        let out = f.feed(Array("{\"not framed\": 1}".utf8) + Self.frame("[7]"))
        #expect(Self.errors(out) == [.malformedHeader("{\"not framed\": 1}")])
        #expect(Self.bodies(out) == ["[7]"])
    }

    @Test func anOversizedBodyIsSkippedWithoutBeingBuffered() {
        var f = MessageFramer(maxMessageBytes: 10)
        var out = f.feed(Array("Content-Length: 25\r\n\r\n0123456789".utf8))
        #expect(Self.errors(out) == [.tooLarge(25)])
        out = f.feed(Array("012345678901234".utf8) + Self.frame("[1]"))
        #expect(Self.bodies(out) == ["[1]"])
        #expect(f.pendingByteCount == 0)
        var g = MessageFramer()
        #expect(Self.errors(g.feed(Array("Content-Length: 99999999999999999999999\r\n\r\n".utf8))) == [.tooLarge(Int.max)])
    }

    @Test func anEndlessHeaderIsCutAtTheLimit() {
        var f = MessageFramer(maxHeaderBytes: 64)
        let out = f.feed([UInt8](repeating: 0x41, count: 200))
        #expect(Self.errors(out) == [.headerTooLong])
        #expect(f.pendingByteCount <= 64)
        #expect(Self.bodies(f.feed(Self.frame("[2]"))) == ["[2]"])
    }

    @Test func aBodyThatIsNotUTF8IsAParseError() {
        let decoded = Message.decode([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
        guard case .failure(let invalid) = decoded else { Issue.record("decoded"); return }
        #expect(invalid.error.code == RPCError.parseErrorCode)
        #expect(invalid.id == nil)
    }

    @Test func messagesAreClassified() throws {
        #expect(try Message.decode(Array(#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#.utf8)).get() == .request(id: .int(3), method: "shutdown", params: .null))
        #expect(try Message.decode(Array(#"{"jsonrpc":"2.0","id":"a","method":"m","params":[true]}"#.utf8)).get() == .request(id: .string("a"), method: "m", params: [true]))
        #expect(try Message.decode(Array(#"{"jsonrpc":"2.0","method":"exit"}"#.utf8)).get() == .notification(method: "exit", params: .null))
        guard case .failure(let e) = Message.decode(Array(#"{"id":1,"method":"m"}"#.utf8)) else { Issue.record("accepted"); return }
        #expect(e.error.code == RPCError.invalidRequestCode)
        #expect(e.id == .int(1))
        guard case .failure(let f) = Message.decode(Array("[1,2]".utf8)) else { Issue.record("accepted"); return }
        #expect(f.error.code == RPCError.invalidRequestCode)
    }

    @Test func jsonRoundTripsKeepsBooleansAndIntegersApart() throws {
        let v: JSON = ["b": true, "i": 1, "d": .double(1.5), "s": "é/😀", "n": nil, "a": [false, 0]]
        #expect(try JSON.parse(v.serialized()) == v)
        #expect(String(decoding: JSON.string("x").serialized(), as: UTF8.self) == "\"x\"")
    }
}
