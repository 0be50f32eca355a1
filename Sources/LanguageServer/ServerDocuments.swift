import Analysis
import Dispatch
import Foundation
import JSONRPC
import Lint

/// Document synchronization and diagnostics: open, change (incremental, debounced),
/// save, close, and configuration changes.
extension LanguageServer {
    func registerDocuments() {
        endpoint.onNotification("textDocument/didOpen") { [unowned self] params in
            let item = params["textDocument"]
            guard let uri = item["uri"].string, let text = item["text"].string else { return }
            documents[uri] = TextDocument(uri: uri, version: item["version"].int ?? 0, text: text)
            sizeMemos[uri] = ObjectSizeMemo()
            latest.set(uri, documents[uri]?.version)
            scheduleLint(uri, after: 0)
        }
        endpoint.onNotification("textDocument/didChange") { [unowned self] params in
            guard let uri = params["textDocument"]["uri"].string, var doc = documents[uri],
                  let changes = params["contentChanges"].array else { return }
            let version = params["textDocument"]["version"].int ?? doc.version + 1
            do { try doc.apply(changes, version: version, encoding: encoding) } catch {
                endpoint.sink.notify("window/logMessage", ["type": 1, "message": .string("pipelint: \(uri): \(error)")])
                return
            }
            documents[uri] = doc
            latest.set(uri, version)
            scheduleLint(uri, after: options.debounce)
        }
        endpoint.onNotification("textDocument/didSave") { [unowned self] _ in configurationChanged() }
        endpoint.onNotification("workspace/didChangeWatchedFiles") { [unowned self] _ in configurationChanged() }
        endpoint.onNotification("textDocument/didClose") { [unowned self] params in
            guard let uri = params["textDocument"]["uri"].string else { return }
            documents[uri] = nil
            analyses[uri] = nil
            sizeMemos[uri] = nil
            latest.set(uri, nil)
            endpoint.sink.notify("textDocument/publishDiagnostics", ["uri": .string(uri), "diagnostics": []])
        }
    }

    /// A configuration file may have changed: forget every cached configuration and re-lint.
    func configurationChanged() {
        configurations = Self.freshResolver()
        analyses = [:]
        for uri in documents.keys.sorted() { scheduleLint(uri, after: 0) }
    }

    /// The configuration for a document (`.pipelint.yml` walked up from its file), and the
    /// problem when it cannot be read.
    func configuration(for doc: TextDocument) -> (Configuration, String?) {
        guard doc.uri.hasPrefix("file:") else { return (Configuration(), nil) }
        do { return (try configurations.configuration(for: doc.path), nil) } catch {
            return (Configuration(), "\(error)")
        }
    }

    /// Lints the document after `delay` seconds without a newer change, on the lint queue, and
    /// writes its diagnostics from there — unless a newer version arrived meanwhile (checked
    /// under the same lock the change handler takes, so a stale result is never written).
    func scheduleLint(_ uri: String, after delay: Double) {
        guard let doc = documents[uri] else { return }
        let version = doc.version
        let (configuration, problem) = configuration(for: doc)
        let encoding = encoding
        let sizes = sizeMemos[uri]
        lintQueue.asyncAfter(deadline: .now() + delay) { [self] in
            guard latest.get(uri) == version else { return }
            let debounceEnd = DispatchTime.now()
            let analysis = DocumentAnalysis(doc, configuration: configuration, configurationProblem: problem, rules: rules, sizes: sizes)
            let message = Message.notification(method: "textDocument/publishDiagnostics",
                                               params: Diagnostics.publishParams(analysis, encoding: encoding))
            guard latest.ifCurrent(uri, version, { endpoint.sink.send(message) }) else { return }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - debounceEnd.uptimeNanoseconds) / 1e9
            queue.async { [self] in
                if documents[uri]?.version == version { analyses[uri] = analysis }
                onPublish?(uri, version, seconds)
            }
        }
    }

    /// The framed `publishDiagnostics` notification for an analysis (benchmarks time it).
    public static func diagnosticsMessage(_ a: DocumentAnalysis, encoding: PositionEncoding) -> [UInt8] {
        Message.notification(method: "textDocument/publishDiagnostics", params: Diagnostics.publishParams(a, encoding: encoding)).framed
    }

    /// The analysis of the document's current text: the published one, or computed now.
    func currentAnalysis(_ params: JSON) throws -> DocumentAnalysis {
        guard let uri = params["textDocument"]["uri"].string, let doc = documents[uri] else {
            throw RPCError.invalidParams("unknown document; open it first")
        }
        if let a = analyses[uri], a.version == doc.version { return a }
        let (configuration, problem) = configuration(for: doc)
        let a = DocumentAnalysis(doc, configuration: configuration, configurationProblem: problem, rules: rules, sizes: sizeMemos[uri])
        analyses[uri] = a
        return a
    }
}
