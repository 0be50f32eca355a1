// libFuzzer entry: the language server's framing and message decoding (`MessageFramer`,
// `Message.decode`) on arbitrary bytes, fed in two pieces split where the input says.
// Built and run by scripts/fuzz.sh, not by SwiftPM.
import JSONRPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFraming(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The first byte chooses the split, so one input covers headers cut anywhere.
    let cut = size > 0 ? Int(bytes[0]) % (size + 1) : 0
    var framer = MessageFramer(maxMessageBytes: 1 << 16, maxHeaderBytes: 1024)
    let frames = framer.feed(bytes[..<cut]) + framer.feed(bytes[cut...])
    var bodyBytes = 0
    for f in frames {
        guard case .message(let body) = f else { continue }
        bodyBytes += body.count
        require(body.count <= 1 << 16, "a body over the limit was returned")
        // Every body decodes to a message or to the error the server answers with.
        switch Message.decode(body) {
        case .success(let m):
            // What the server writes reads back as the same message.
            let reframed = m.framed
            var again = MessageFramer()
            let back = again.feed(reframed)
            require(back.count == 1, "a written message did not frame as one message")
            if case .message(let b)? = back.first, case .success(let m2) = Message.decode(b) {
                require(m2.json == m.json, "a written message did not read back the same")
            } else {
                require(false, "a written message did not decode")
            }
        case .failure(let invalid):
            require([-32700, -32600].contains(invalid.error.code), "unexpected error code \(invalid.error.code)")
        }
    }
    require(bodyBytes <= size, "bodies hold more bytes than were fed")
    require(framer.pendingByteCount <= size, "the framer holds more bytes than were fed")
    return 0
}
