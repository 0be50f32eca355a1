import Foundation
import JSONRPC
import Testing

/// Dispatch: every request gets exactly one answer, whatever happens to it.
@Suite struct EndpointTests {
    /// Collects what the endpoint writes, decoded back.
    final class Written: @unchecked Sendable {
        private let lock = NSLock()
        private var framer = MessageFramer()
        private var messages: [Message] = []
        func add(_ bytes: [UInt8]) {
            lock.lock()
            for case .message(let body) in framer.feed(bytes) {
                if case .success(let m) = Message.decode(body) { messages.append(m) }
            }
            lock.unlock()
        }
        var all: [Message] {
            lock.lock()
            defer { lock.unlock() }
            return messages
        }
    }

    struct Failure: Error {}

    static func make() -> (Endpoint, Written) {
        let written = Written()
        let e = Endpoint(sink: MessageSink { written.add($0) })
        e.onRequest("echo") { $0 }
        e.onRequest("fail") { _ in throw RPCError(code: -32803, message: "no") }
        e.onRequest("crash") { _ in throw Failure() }
        return (e, written)
    }

    static func request(_ id: Int64, _ method: String, _ params: JSON = .null) -> Result<Message, Message.Invalid> {
        .success(.request(id: .int(id), method: method, params: params))
    }

    static func errorCode(_ m: Message?) -> Int? {
        guard case .response(_, _, let error?)? = m else { return nil }
        return error["code"].int
    }

    @Test func eachRequestIsAnsweredOnce() {
        let (e, w) = Self.make()
        e.receive(Self.request(1, "echo", ["x": 1]))
        e.receive(Self.request(2, "fail"))
        e.receive(Self.request(3, "crash"))
        e.receive(Self.request(4, "nope"))
        e.receive(.success(.notification(method: "nope", params: .null)))
        let out = w.all
        #expect(out.count == 4)
        #expect(out.first == .response(id: .int(1), result: ["x": 1], error: nil))
        #expect(out.dropFirst().map(Self.errorCode) == [-32803, -32603, -32601])
    }

    @Test func aGateRefusesRequestsAndDropsNotifications() {
        let (e, w) = Self.make()
        var notified = 0
        e.onNotification("n") { _ in notified += 1 }
        e.gate = { method, _ in method == "echo" ? nil : .serverNotInitialized }
        e.receive(Self.request(1, "fail"))
        e.receive(.success(.notification(method: "n", params: .null)))
        e.receive(Self.request(2, "echo"))
        #expect(w.all.map(Self.errorCode) == [-32002, nil])
        #expect(notified == 0)
    }

    @Test func aRequestCancelledBeforeItRunsIsAnsweredCancelled() {
        let (e, w) = Self.make()
        let reg = e.cancellations
        // As the reader thread records them: the request, then its cancellation, before dispatch.
        for frame in [Message.request(id: .int(7), method: "echo", params: 1),
                      .notification(method: "$/cancelRequest", params: ["id": 7])] {
            _ = InputLoop.decode(.message(Array(frame.json.serialized())), reg)
        }
        #expect(reg.isCancelled(.int(7)))
        e.receive(Self.request(7, "echo", 1))
        #expect(w.all.map(Self.errorCode) == [-32800])
        // Answered: the registry forgets it; a late cancellation of an unknown request is ignored.
        #expect(!reg.isCancelled(.int(7)))
        reg.cancel(.int(8))
        #expect(!reg.isCancelled(.int(8)))
    }

    /// A request and its cancellation written together arrive in one read: the reader records
    /// both before it delivers the request, so the request is answered cancelled however soon the
    /// dispatch queue takes it.
    @Test func aCancellationReadWithItsRequestIsRecordedBeforeTheRequestIsDelivered() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let reg = CancellationRegistry()
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var cancelledAtDelivery: [Bool] = []
        }
        let seen = Seen()
        let ended = DispatchSemaphore(value: 0)
        var bytes: [UInt8] = []
        for frame in [Message.request(id: .int(1), method: "echo", params: 1),
                      .request(id: .int(2), method: "echo", params: 2),
                      .notification(method: "$/cancelRequest", params: ["id": 2])] {
            let body = Array(frame.json.serialized())
            bytes += Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        }
        #expect(bytes.count < Int(PIPE_BUF))  // one atomic write, one read
        #expect(write(fds[1], bytes, bytes.count) == bytes.count)
        close(fds[1])
        InputLoop.start(fd: fds[0], cancellations: reg, deliver: { m in
            guard case .success(.request(let id, _, _)) = m else { return }
            seen.lock.lock()
            seen.cancelledAtDelivery.append(reg.isCancelled(id) || id == .int(1) && reg.isCancelled(.int(2)))
            seen.lock.unlock()
        }, end: { ended.signal() })
        #expect(ended.wait(timeout: .now() + 10) == .success)
        close(fds[0])
        // Delivering request 1, the reader has already read request 2's cancellation.
        #expect(seen.cancelledAtDelivery == [true, true])
    }

    @Test func invalidMessagesAreAnsweredWithTheirErrors() {
        let (e, w) = Self.make()
        e.receive(InputLoop.decode(.error(.missingContentLength), CancellationRegistry()))
        e.receive(.failure(Message.Invalid(id: .string("a"), error: .invalidRequest("x"))))
        #expect(w.all == [
            .response(id: nil, result: nil, error: RPCError.parseError("header without Content-Length").json),
            .response(id: .string("a"), result: nil, error: RPCError.invalidRequest("x").json),
        ])
    }
}
