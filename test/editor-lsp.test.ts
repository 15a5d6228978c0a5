// `tsbpf lsp` through LSP: the real command on stdio, driven by vscode-jsonrpc (the protocol
// library VS Code's own client is built on). It opens an example, each error of the editor
// scenarios (packages/ts-plugin/src/testing/scenarios.ts) is typed in, and the published
// diagnostics (code, message, range, document version), the quick fixes and the result of applying
// one are checked; the fixed text is checked again by the compiler itself, which must find nothing.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { pathToFileURL } from "node:url";
import { checkSource } from "@tsbpf/compiler";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { edited, examplePath, exampleText, expectedStart, lineColumn, scenarios } from "../packages/ts-plugin/src/testing/scenarios.ts";
import { cliPath } from "./support/paths.js";

interface Position { line: number; character: number }
interface Range { start: Position; end: Position }
interface Diagnostic { range: Range; severity: number; code: string; source: string; message: string }
interface Published { uri: string; version?: number; diagnostics: Diagnostic[] }
interface TextEdit { range: Range; newText: string }
interface CodeAction { title: string; kind: string; diagnostics: Diagnostic[]; edit: { changes: Record<string, TextEdit[]> } }

const uri = pathToFileURL(examplePath).href;
let child: ChildProcessWithoutNullStreams;
let connection: MessageConnection;
let version = 1;
let current = exampleText;
const published: Published[] = [];
const waiters: (() => void)[] = [];

const position = (text: string, offset: number): Position => {
  const { line, column } = lineColumn(text, offset);
  return { line: line - 1, character: column - 1 };
};
const offsetOf = (text: string, p: Position): number =>
  text.split("\n").slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;

/** The diagnostics published for the document's current version (waiting for them). */
async function diagnosticsNow(): Promise<Diagnostic[]> {
  for (;;) {
    const last = published.findLast((p) => p.uri === uri);
    if (last && last.version === version) return last.diagnostics;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version}`)), 30_000);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Sends edits (in the current text's coordinates, applied last first) as one didChange. */
async function change(edits: TextEdit[]): Promise<void> {
  const sorted = [...edits].sort((a, b) => offsetOf(current, b.range.start) - offsetOf(current, a.range.start));
  let text = current;
  for (const e of sorted) text = text.slice(0, offsetOf(current, e.range.start)) + e.newText + text.slice(offsetOf(current, e.range.end));
  // LSP applies a didChange's content changes in order, each to the text its predecessor left: last first keeps them valid.
  await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })) });
  current = text;
}

const replaceAll = (text: string) => change([{ range: { start: { line: 0, character: 0 }, end: position(current, current.length) }, newText: text }]);

beforeAll(async () => {
  child = spawn(process.execPath, [cliPath, "lsp", "--stdio"], { stdio: "pipe" });
  connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification("textDocument/publishDiagnostics", (p: Published) => {
    published.push(p);
    for (const wake of waiters.splice(0)) wake();
  });
  connection.onNotification("window/logMessage", () => {});
  connection.listen();
  const init = await connection.sendRequest<{ capabilities: { textDocumentSync: number; codeActionProvider: unknown } }>("initialize", {
    processId: process.pid, rootUri: pathToFileURL(examplePath + "/..").href, capabilities: {},
  });
  expect(init.capabilities.textDocumentSync).toBe(2); // incremental
  await connection.sendNotification("initialized", {});
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version, text: exampleText } });
}, 60_000);

afterAll(async () => {
  if (connection) {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    connection.dispose();
  }
  await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
});

describe("tsbpf lsp", () => {
  test("the example as it is: no diagnostics", async () => {
    expect(await diagnosticsNow()).toEqual([]);
  }, 60_000);

  for (const scenario of scenarios) {
    test(`${scenario.name}: ${scenario.source === "tsbpf" ? "published where it is" : "left to TypeScript's server"}${scenario.fix ? ", fixed by its quick fix" : ""}`, async () => {
      await replaceAll(edited(scenario));
      const start = expectedStart(scenario, current);
      const range = { start: position(current, start), end: position(current, start + scenario.length) };
      const diagnostics = await diagnosticsNow();
      if (scenario.source === "tsbpf") {
        const found = diagnostics.find((d) => d.code === `TSBPF${scenario.code}`);
        expect(found, JSON.stringify(diagnostics)).toBeDefined();
        expect(found!.range).toEqual(range);
        expect(found!.source).toBe("tsbpf");
        expect(found!.severity).toBe(1);
        expect(found!.message).toMatch(scenario.message);
      } else {
        // tsc's diagnostics are TypeScript's own server's to publish, not this one's.
        expect(diagnostics.filter((d) => d.source !== "tsbpf")).toEqual([]);
      }

      if (scenario.fix) {
        const actions = await connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
          textDocument: { uri }, range, context: { diagnostics: diagnostics.filter((d) => d.range.start.line === range.start.line) },
        });
        const action = actions.find((a) => scenario.fix!.title.test(a.title));
        expect(action, JSON.stringify(actions.map((a) => a.title))).toBeDefined();
        expect(action!.kind).toBe("quickfix");
        expect(Object.keys(action!.edit.changes)).toEqual([uri]);
        await change(action!.edit.changes[uri]!);
        if (scenario.fix.restores) expect(current).toBe(exampleText);
        expect(await diagnosticsNow()).toEqual([]);
        expect(checkSource(examplePath, current).diagnostics).toEqual([]);
      }

      await replaceAll(exampleText);
      expect(await diagnosticsNow()).toEqual([]);
    }, 60_000);
  }

  test("typed a character at a time: the diagnostics published last are for the last version and its text", async () => {
    const at = current.indexOf("    const file: UnlinkEvent");
    const typed = "    let r = 1.5;\n";
    for (let i = 0; i < typed.length; i++) {
      await change([{ range: { start: position(current, at + i), end: position(current, at + i) }, newText: typed[i]! }]);
    }
    const diagnostics = await diagnosticsNow();
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([["TSBPF2001", { start: position(current, at + 12), end: position(current, at + 15) }]]);
    // The pause between keystrokes is shorter than a check: far fewer checks than keystrokes.
    expect(published.filter((p) => p.version !== undefined && p.version > version - typed.length).length).toBeLessThan(typed.length);
    await replaceAll(exampleText);
    expect(await diagnosticsNow()).toEqual([]);
  }, 60_000);
});
