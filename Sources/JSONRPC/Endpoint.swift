import Foundation

/// Where outgoing messages go: framed, one whole message at a time, from any thread.
public final class MessageSink: @unchecked Sendable {
    private let lock = NSLock()
    private let write: @Sendable ([UInt8]) -> Void

    /// `write` receives each framed message; calls are serialized.
    public init(write: @escaping @Sendable ([UInt8]) -> Void) {
        self.write = write
    }

    /// Writes to a file descriptor, retrying short writes; a closed pipe drops the rest.
    public static func fileDescriptor(_ fd: Int32) -> MessageSink {
        MessageSink { bytes in
            bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n > 0 { done += n } else if n < 0, errno == EINTR { continue } else { return }
                }
            }
        }
    }

    public func send(_ message: Message) {
        let bytes = message.framed
        lock.lock()
        defer { lock.unlock() }
        write(bytes)
    }

    /// `method` with `params`, no reply expected.
    public func notify(_ method: String, _ params: JSON) { send(.notification(method: method, params: params)) }
}

/// The requests read but not yet answered, and which of them the client cancelled
/// (`$/cancelRequest`). The reader thread records them as they arrive (all the
/// messages of one read before it delivers any), so a request still waiting in the
/// queue sees its cancellation before it runs.
public final class CancellationRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: Set<RequestID> = []
    private var cancelled: Set<RequestID> = []

    public init() {}

    /// A request was read.
    public func began(_ id: RequestID) {
        lock.lock()
        pending.insert(id)
        lock.unlock()
    }

    /// The client cancelled `id`; ignored unless it is pending.
    public func cancel(_ id: RequestID) {
        lock.lock()
        if pending.contains(id) { cancelled.insert(id) }
        lock.unlock()
    }

    /// Whether `id` was cancelled (a long handler may poll this).
    public func isCancelled(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled.contains(id)
    }

    /// The request is answered; returns whether it had been cancelled.
    @discardableResult
    public func finish(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        pending.remove(id)
        return cancelled.remove(id) != nil
    }
}

/// Routes decoded messages to handlers by method. Every request gets exactly one
/// answer: its handler's, or an error (unknown method, refused by the gate,
/// cancelled, invalid). Not thread-safe: call `receive` from one serial queue.
public final class Endpoint: @unchecked Sendable {
    /// What a request handler answers.
    public enum Reply: Sendable {
        case result(JSON)
        case error(RPCError)
    }

    public typealias RequestHandler = (JSON) throws -> JSON
    public typealias NotificationHandler = (JSON) -> Void

    public let sink: MessageSink
    public let cancellations: CancellationRegistry
    private var requests: [String: RequestHandler] = [:]
    private var notifications: [String: NotificationHandler] = [:]
    /// Asked before each request and notification runs: an error refuses a request; for a
    /// notification, any error drops it (before `initialize`, say).
    public var gate: (_ method: String, _ isRequest: Bool) -> RPCError? = { _, _ in nil }

    public init(sink: MessageSink, cancellations: CancellationRegistry = CancellationRegistry()) {
        self.sink = sink
        self.cancellations = cancellations
    }

    /// Handles requests for `method`; a thrown `RPCError` is the answer, any other error an internal error.
    public func onRequest(_ method: String, _ handler: @escaping RequestHandler) { requests[method] = handler }

    /// Handles notifications of `method`; unknown notifications are ignored, as the protocol asks.
    public func onNotification(_ method: String, _ handler: @escaping NotificationHandler) { notifications[method] = handler }

    /// Dispatches one decoded message (or answers why it is not one).
    public func receive(_ decoded: Result<Message, Message.Invalid>) {
        switch decoded {
        case .failure(let invalid):
            sink.send(.response(id: invalid.id, result: nil, error: invalid.error.json))
        case .success(.request(let id, let method, let params)):
            let reply = answer(id: id, method: method, params: params)
            cancellations.finish(id)
            switch reply {
            case .result(let r): sink.send(.response(id: id, result: r, error: nil))
            case .error(let e): sink.send(.response(id: id, result: nil, error: e.json))
            }
        case .success(.notification(let method, let params)):
            guard gate(method, false) == nil, let handler = notifications[method] else { return }
            handler(params)
        case .success(.response):
            // The server sends no requests that need an answer.
            break
        }
    }

    private func answer(id: RequestID, method: String, params: JSON) -> Reply {
        if let refused = gate(method, true) { return .error(refused) }
        guard let handler = requests[method] else { return .error(.methodNotFound(method)) }
        if cancellations.isCancelled(id) { return .error(.requestCancelled) }
        do { return .result(try handler(params)) } catch let e as RPCError {
            return .error(e)
        } catch {
            return .error(RPCError(code: RPCError.internalErrorCode, message: "internal error: \(error)"))
        }
    }
}

/// Reads a file descriptor on its own thread, frames and decodes messages, records
/// requests and cancellations, and hands each message to `deliver`; calls `end` once
/// at end of input (or a read error).
public enum InputLoop {
    public static func start(fd: Int32, framer: MessageFramer = MessageFramer(), cancellations: CancellationRegistry,
                             deliver: @escaping @Sendable (Result<Message, Message.Invalid>) -> Void,
                             end: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var framer = framer
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                // Decode (and record) every message of this read before delivering any, so a
                // cancellation sent together with its request is seen before the request runs.
                let messages = framer.feed(buffer[0..<n]).map { decode($0, cancellations) }
                for message in messages { deliver(message) }
            }
            end()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// One frame as a message, recording requests and cancellations on the way.
    public static func decode(_ frame: MessageFramer.Frame, _ cancellations: CancellationRegistry) -> Result<Message, Message.Invalid> {
        switch frame {
        case .error(let e):
            return .failure(Message.Invalid(id: nil, error: .parseError("\(e)")))
        case .message(let body):
            let decoded = Message.decode(body)
            switch decoded {
            case .success(.request(let id, _, _)): cancellations.began(id)
            case .success(.notification("$/cancelRequest", let params)):
                if let id = RequestID(params["id"]) { cancellations.cancel(id) }
            default: break
            }
            return decoded
        }
    }
}
