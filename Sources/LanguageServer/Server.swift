import Analysis
import Dispatch
import Driver
import Foundation
import JSONRPC
import Lint
import PipelineIR
import Rules

/// The language server: document state, debounced linting and the features, on top of
/// the JSON-RPC `Endpoint`. All state lives on one serial queue; linting runs on a
/// second queue, which publishes a result only if no newer version arrived meanwhile.
public final class LanguageServer: @unchecked Sendable {
    /// Server settings; the client may change `debounce` in `initializationOptions.debounceMilliseconds`.
    public struct Options: Sendable {
        /// Quiet time after the last change before linting (seconds).
        public var debounce: Double = 0.15
        public init(debounce: Double = 0.15) { self.debounce = debounce }
    }

    let endpoint: Endpoint
    let queue = DispatchQueue(label: "pipelint.server.state")
    let lintQueue = DispatchQueue(label: "pipelint.server.lint")
    let rules: [any Rule] = makeAllRules()
    let exit: @Sendable (Int32) -> Void
    let latest = LatestVersions()

    // State: touched only on `queue`.
    var options: Options
    var initialized = false
    var shutdownRequested = false
    var encoding: PositionEncoding = .utf16
    var documents: [String: TextDocument] = [:]
    var analyses: [String: DocumentAnalysis] = [:]
    /// Each open document's object sizes, kept from one version to the next.
    var sizeMemos: [String: ObjectSizeMemo] = [:]
    var configurations = LanguageServer.freshResolver()
    var watchesFilesDynamically = false

    /// Called on the state queue after each publication, with the seconds from the end of
    /// the debounce to the notification written (benchmarks read it). Set it before the first message.
    public var onPublish: (@Sendable (_ uri: String, _ version: Int, _ seconds: Double) -> Void)?

    /// `exit` ends the process with a status (0 after `shutdown`, 1 otherwise).
    public init(sink: MessageSink, cancellations: CancellationRegistry = CancellationRegistry(), options: Options = Options(),
                exit: @escaping @Sendable (Int32) -> Void) {
        endpoint = Endpoint(sink: sink, cancellations: cancellations)
        self.options = options
        self.exit = exit
        endpoint.gate = { [unowned self] method, isRequest in gate(method, isRequest) }
        registerLifecycle()
        registerDocuments()
        registerFeatures()
    }

    static func freshResolver() -> ConfigurationResolver {
        ConfigurationResolver(explicit: nil, known: allRules.map { $0.description.id })
    }

    /// Handles one message (from any thread): queued in order on the state queue.
    public func receive(_ decoded: Result<Message, Message.Invalid>) {
        queue.async { self.endpoint.receive(decoded) }
    }

    /// The input closed: the client is gone, so the server ends (after the messages before it).
    public func endOfInput() {
        queue.async { self.exit(0) }
    }

    /// Runs `body` on the state queue and waits (tests and benchmarks).
    public func sync<T>(_ body: () -> T) -> T { queue.sync(execute: body) }

    func gate(_ method: String, _ isRequest: Bool) -> RPCError? {
        if method == "exit" { return nil }
        if !initialized { return method == "initialize" ? nil : .serverNotInitialized }
        if shutdownRequested { return .invalidRequest("the server is shutting down") }
        if method == "initialize" { return .invalidRequest("the server is already initialized") }
        return nil
    }

    func registerLifecycle() {
        endpoint.onRequest("initialize") { [unowned self] params in initialize(params) }
        endpoint.onNotification("initialized") { [unowned self] _ in registerWatchers() }
        endpoint.onRequest("shutdown") { [unowned self] _ in
            shutdownRequested = true
            return .null
        }
        endpoint.onNotification("exit") { [unowned self] _ in exit(shutdownRequested ? 0 : 1) }
    }

    func initialize(_ params: JSON) -> JSON {
        let offered = params["capabilities"]["general"]["positionEncodings"].array?.compactMap(\.string) ?? []
        encoding = PositionEncoding.negotiate(offered)
        if let ms = params["initializationOptions"]["debounceMilliseconds"].int, ms >= 0 { options.debounce = Double(ms) / 1000 }
        watchesFilesDynamically = params["capabilities"]["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"].bool ?? false
        initialized = true
        return [
            "capabilities": [
                "positionEncoding": .string(encoding.rawValue),
                "textDocumentSync": ["openClose": true, "change": 2, "save": ["includeText": false]],
                "hoverProvider": true,
                "definitionProvider": true,
                "referencesProvider": true,
                "renameProvider": ["prepareProvider": true],
                "documentSymbolProvider": true,
                "codeActionProvider": ["codeActionKinds": ["quickfix", .string(CodeActions.fixAllKind)]],
            ],
            "serverInfo": ["name": "pipelint", "version": .string(pipelintVersion)],
        ]
    }

    /// Asks the client to report changes to configuration files, when it can register watchers.
    func registerWatchers() {
        guard watchesFilesDynamically else { return }
        let watcher: JSON = ["globPattern": .string("**/\(ConfigurationLoader.fileName)")]
        endpoint.sink.send(.request(id: .string("pipelint-watch-configuration"), method: "client/registerCapability", params: [
            "registrations": [["id": "pipelint-configuration", "method": "workspace/didChangeWatchedFiles",
                               "registerOptions": ["watchers": [watcher]]]],
        ]))
    }
}

/// The newest version of each open document, readable from the lint queue, so a lint job
/// for a version already replaced is skipped before it starts.
final class LatestVersions: @unchecked Sendable {
    private let lock = NSLock()
    private var versions: [String: Int] = [:]
    func set(_ uri: String, _ v: Int?) {
        lock.lock()
        versions[uri] = v
        lock.unlock()
    }
    func get(_ uri: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return versions[uri]
    }
    /// Runs `body` if `version` is still the newest, holding the lock so no change lands meanwhile.
    func ifCurrent(_ uri: String, _ version: Int, _ body: () -> Void) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard versions[uri] == version else { return false }
        body()
        return true
    }
}
