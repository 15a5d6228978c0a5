/**
 * A client of a real tsserver process (typescript/lib/tsserver.js, the one editors run) over its
 * stdio protocol: requests as JSON lines in, `Content-Length`-framed responses and events out.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createRequire } from "node:module";

export interface Location { line: number; offset: number }
export interface ServerDiagnostic { start: Location; end: Location; text: string; code: number; category: string; source?: string }
export interface CodeEdit { start: Location; end: Location; newText: string }
export interface CodeFix { fixName: string; description: string; changes: { fileName: string; textChanges: CodeEdit[] }[] }

interface Response { seq: number; type: string; command: string; request_seq: number; success: boolean; message?: string; body?: unknown }

export class TsServer {
  readonly #process: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, (response: Response) => void>();
  #seq = 0;
  #buffer = Buffer.alloc(0);
  stderr = "";

  /** `nodeOptions` go to node before tsserver.js (e.g. turning require(esm) off). */
  constructor(logFile?: string, nodeOptions: string[] = []) {
    const tsserver = createRequire(import.meta.url).resolve("typescript/lib/tsserver.js");
    const args = [...nodeOptions, tsserver, "--disableAutomaticTypingAcquisition", "--suppressDiagnosticEvents"];
    if (logFile) args.push("--logVerbosity", "verbose", "--logFile", logFile);
    this.#process = spawn(process.execPath, args, { stdio: "pipe" });
    this.#process.stdout.on("data", (chunk: Buffer) => this.#read(chunk));
    this.#process.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const headerEnd = this.#buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.#buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.#buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.#buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()) as Response;
      this.#buffer = this.#buffer.subarray(headerEnd + 4 + length);
      if (message.type === "response") this.#pending.get(message.request_seq)?.(message);
    }
  }

  /** Sends a request and resolves with its response's body (rejects when tsserver reports a failure). */
  request<T>(command: string, args: unknown): Promise<T> {
    const seq = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(seq, (response) => {
        this.#pending.delete(seq);
        if (response.success) resolve(response.body as T);
        else reject(new Error(`tsserver ${command}: ${response.message}`));
      });
      this.#process.stdin.write(JSON.stringify({ seq, type: "request", command, arguments: args }) + "\n");
    });
  }

  /** A command tsserver answers nothing to (open, updateOpen without a response): followed by a status round trip. */
  async notify(command: string, args: unknown): Promise<void> {
    const seq = ++this.#seq;
    this.#process.stdin.write(JSON.stringify({ seq, type: "request", command, arguments: args }) + "\n");
    await this.request("status", {});
  }

  semanticDiagnostics(file: string): Promise<ServerDiagnostic[]> {
    return this.request("semanticDiagnosticsSync", { file });
  }

  async close(): Promise<void> {
    this.#process.stdin.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#process.kill(), 5000);
      this.#process.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
