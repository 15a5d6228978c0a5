/**
 * `tsbpf lsp`: a language server (LSP over stdio) that publishes tsbpf's diagnostics of the probe
 * files an editor opens and offers the quick fixes of fixes.ts, for editors whose TypeScript is not
 * tsserver (TypeScript 7's native language service has no plugins before 7.1) or that run language
 * servers side by side (VS Code, Neovim, Helix, Zed, Emacs, Sublime). It runs beside TypeScript's
 * own server, which reports tsc's diagnostics: this one publishes only tsbpf's.
 *
 * Documents sync incrementally; a check starts after a short pause in typing (DEBOUNCE_MS), on the
 * latest text, and its diagnostics carry the document version they are for.
 */
import { fileURLToPath } from "node:url";
import { CodeActionKind, createConnection, DiagnosticSeverity, TextDocuments, TextDocumentSyncKind, type CodeAction, type Connection, type Diagnostic } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { isProbeSource, ProbeService, type EditorDiagnostic } from "./service.js";

/** Keystrokes closer together than this are checked once, on the last text. */
export const DEBOUNCE_MS = 25;

function filePath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  const path = fileURLToPath(uri);
  return /\.[cm]?ts$/.test(path) && !path.endsWith(".d.ts") ? path : undefined;
}

function toLsp(document: TextDocument, d: EditorDiagnostic): Diagnostic {
  return {
    range: { start: document.positionAt(d.start), end: document.positionAt(d.start + d.length) },
    severity: d.category === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.source === "tsc" ? `TS${d.code}` : `TSBPF${d.code}`,
    source: d.source,
    message: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}`,
  };
}

/** Serves LSP on the streams (stdin and stdout for `tsbpf lsp`) until the client says exit. */
export function startLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Connection {
  const connection = createConnection(input, output);
  const documents = new TextDocuments(TextDocument);
  const service = new ProbeService((message) => connection.console.log(`[tsbpf] ${message}`));
  const pending = new Map<string, NodeJS.Timeout>();

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: "tsbpf" },
  }));

  const publish = (uri: string): void => {
    pending.delete(uri);
    const document = documents.get(uri);
    const path = filePath(uri);
    if (!document || !path) return;
    const text = document.getText();
    const diagnostics = isProbeSource(text) ? service.check(path, text).diagnostics.filter((d) => d.source === "tsbpf") : [];
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics: diagnostics.map((d) => toLsp(document, d)) });
  };

  // On open too (TextDocuments reports an opened document's content as a change).
  documents.onDidChangeContent(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.set(document.uri, setTimeout(() => publish(document.uri), DEBOUNCE_MS));
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    const path = filePath(document.uri);
    if (path) service.forget(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onCodeAction(({ textDocument, range }): CodeAction[] => {
    const document = documents.get(textDocument.uri);
    const path = filePath(textDocument.uri);
    if (!document || !path) return [];
    const text = document.getText();
    if (!isProbeSource(text)) return [];
    return service.fixes(path, text, document.offsetAt(range.start), document.offsetAt(range.end)).map((fix) => ({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: [toLsp(document, fix.diagnostic)],
      edit: {
        changes: {
          [textDocument.uri]: fix.edits.map((e) => ({ range: { start: document.positionAt(e.start), end: document.positionAt(e.start + e.length) }, newText: e.newText })),
        },
      },
    }));
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
