/**
 * The compiler as a V8 start-up snapshot (`node --build-snapshot`, Node 18.8+): a process
 * started from the snapshot begins with TypeScript loaded, the compiler's code compiled and the
 * warm-up probes' lib files and declarations parsed, instead of spending a second and a half on
 * that (bench/RESULTS.md "Start-up"). bpftrace and clang are native binaries that start warm; this
 * is how a Node compiler gets there.
 *
 * Built by tsbpf (packages/tsbpf/src/compiler-snapshot.ts) from dist/snapshot.cjs, this file
 * bundled into one CommonJS script (Node's snapshot builder can `require` only its own modules):
 *
 *   TSBPF_SNAPSHOT_WARMUP='[{"file": "...", "text": "..."}]' \
 *     node --snapshot-blob compiler.blob --build-snapshot dist/snapshot.cjs
 *
 * A process started with `node --snapshot-blob compiler.blob` reads one request from stdin
 * (`SnapshotRequest` as JSON), compiles, writes the `SnapshotResponse` as JSON to file
 * descriptor 3 and exits.
 */
import { readFileSync, writeSync } from "node:fs";
import { startupSnapshot } from "node:v8";
import { compileSource } from "../compile.js";
import { formatDiagnostic } from "../diagnostics/format.js";
import { refreshChangedFiles } from "../frontend/project.js";

export interface SnapshotRequest {
  file: string;
  text: string;
  sourceRoot: string;
}

export interface SnapshotResponse {
  /** Every diagnostic, formatted, with its category. */
  diagnostics: { category: string; formatted: string }[];
  probes: { className: string; elfBase64: string }[];
  inputs: string[];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

export function compileRequest(request: SnapshotRequest): SnapshotResponse {
  const result = compileSource(request.file, request.text, { sourceRoot: request.sourceRoot });
  return {
    diagnostics: result.diagnostics.map((d) => ({
      category: d.category,
      formatted: formatDiagnostic(d, d.file === request.file ? request.text : readText(d.file)),
    })),
    probes: result.probes.map((p) => ({ className: p.className, elfBase64: Buffer.from(p.elf).toString("base64") })),
    inputs: result.inputs,
  };
}

function main(): void {
  let response: SnapshotResponse | { error: string };
  try {
    // Files parsed when the snapshot was built may have changed since (a dependency's
    // declarations updated by npm): read those again.
    refreshChangedFiles();
    response = compileRequest(JSON.parse(readFileSync(0, "utf8")) as SnapshotRequest);
  } catch (error) {
    response = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  const bytes = Buffer.from(JSON.stringify(response));
  for (let at = 0; at < bytes.length; ) at += writeSync(3, bytes, at);
}

if (startupSnapshot.isBuildingSnapshot()) {
  const warmup = JSON.parse(process.env.TSBPF_SNAPSHOT_WARMUP ?? "[]") as { file: string; text: string; sourceRoot?: string }[];
  for (const { file, text, sourceRoot } of warmup) compileRequest({ file, text, sourceRoot: sourceRoot ?? "/" });
  startupSnapshot.setDeserializeMainFunction(main);
}
