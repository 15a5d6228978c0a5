/**
 * Compiling in a process started from a V8 start-up snapshot of the compiler (Node 18.8+;
 * @tsbpf/compiler's src/snapshot/entry.ts): TypeScript already loaded and the lib files and
 * tsbpf's declarations already parsed, so that a compile that misses the object cache does not
 * pay a second and a half of TypeScript start-up first (bench/RESULTS.md "Start-up").
 *
 * The snapshot is built once per compiler, Node binary and architecture, in the background, the
 * first time a compile misses the object cache (that compile runs in-process as before), and
 * kept in `$TSBPF_SNAPSHOT_DIR`, else `$XDG_CACHE_HOME/tsbpf/compiler-snapshots`
 * (~/.cache/tsbpf/...). `tsbpf snapshot` builds it in the foreground. TSBPF_SNAPSHOT=0 turns it
 * off. Anything wrong with a snapshot (it does not start, it answers nonsense) makes the compile
 * run in-process and the snapshot be deleted: it only ever saves time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { SnapshotRequest, SnapshotResponse } from "@tsbpf/compiler/snapshot";
import { compilerIdentity } from "./probe-cache.js";

/** A lock older than this is a build that died: another may start. */
const STALE_LOCK_MS = 10 * 60_000;

export function snapshotEnabled(): boolean {
  return process.env.TSBPF_SNAPSHOT !== "0";
}

export function snapshotDir(): string {
  if (process.env.TSBPF_SNAPSHOT_DIR) return process.env.TSBPF_SNAPSHOT_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsbpf", "compiler-snapshots");
}

function sha256(text: string): string {
  const crypto = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** The snapshot file for this compiler and this Node binary (a snapshot runs only on the Node that built it). */
export function snapshotPath(): string {
  const key = sha256([compilerIdentity(), process.version, process.arch, process.execPath].join("\n")).slice(0, 24);
  return join(snapshotDir(), `compiler-${key}.blob`);
}

/** The script Node's snapshot builder runs: @tsbpf/compiler's snapshot/builder.cjs. */
function builderScript(): string {
  return createRequire(import.meta.url).resolve("@tsbpf/compiler/snapshot-builder");
}

export interface WarmupProbe {
  file: string;
  text: string;
  sourceRoot: string;
}

function lockPath(blob: string): string {
  return `${blob}.lock`;
}

/** Takes the build lock (false when a live build holds it). */
function takeLock(blob: string): boolean {
  const lock = lockPath(blob);
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
  } catch {
    // no lock
  }
  try {
    closeSync(openSync(lock, "wx"));
    return true;
  } catch {
    return false;
  }
}

/** Removes the snapshots of other compilers and Node binaries: each is tens of megabytes. */
function removeOthers(blob: string): void {
  for (const name of readdirSync(dirname(blob))) {
    if (name.startsWith("compiler-") && name.endsWith(".blob") && join(dirname(blob), name) !== blob) rmSync(join(dirname(blob), name), { force: true });
  }
}

/**
 * Builds the snapshot, warmed up by compiling `warmup` (the compile that asked for it: its
 * tsconfig's lib files and its declarations get parsed into the snapshot). Resolves to the
 * snapshot's path; rejects with the builder's output if Node could not build it.
 */
export function buildSnapshot(warmup: WarmupProbe[], options: { nice?: boolean } = {}): Promise<string> {
  const blob = snapshotPath();
  mkdirSync(dirname(blob), { recursive: true });
  if (!takeLock(blob)) return Promise.reject(new Error(`another process is building ${blob}`));
  const temp = `${blob}.${process.pid}.tmp`;
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--snapshot-blob", temp, "--build-snapshot", builderScript()], {
      env: { ...process.env, TSBPF_SNAPSHOT_WARMUP: JSON.stringify(warmup) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    if (options.nice) lowerPriority(child);
    let errors = "";
    child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        if (code === 0 && existsSync(temp)) {
          renameSync(temp, blob);
          removeOthers(blob);
          resolve(blob);
        } else {
          rmSync(temp, { force: true });
          reject(new Error(`node --build-snapshot exited with ${code}:\n${errors.split("\n").filter((l) => !/not yet fully verified|request support|--trace-warnings/.test(l)).join("\n").slice(0, 4000)}`));
        }
      } finally {
        rmSync(lockPath(blob), { force: true });
      }
    });
  });
}

function lowerPriority(child: ChildProcess): void {
  try {
    if (child.pid) (createRequire(import.meta.url)("node:os") as typeof import("node:os")).setPriority(child.pid, 10);
  } catch {
    // not permitted: it builds at normal priority
  }
}

/**
 * Starts building the snapshot in a detached background process, which outlives this one (a
 * `tsbpf run` may be stopped long before the build ends): a shell that runs Node's builder and
 * then moves the finished file into place and drops the lock. Does nothing if a snapshot exists
 * or is being built.
 */
export function buildSnapshotInBackground(warmup: WarmupProbe[]): void {
  if (!snapshotEnabled()) return;
  try {
    const blob = snapshotPath();
    if (existsSync(blob)) return;
    mkdirSync(dirname(blob), { recursive: true });
    if (!takeLock(blob)) return;
    removeOthers(blob);
    const temp = `${blob}.${process.pid}.tmp`;
    const script = '"$1" --snapshot-blob "$2" --build-snapshot "$3" >/dev/null 2>&1 && mv -f "$2" "$4"; rm -f "$2" "$5"';
    const child = spawn("/bin/sh", ["-c", script, "sh", process.execPath, temp, builderScript(), blob, lockPath(blob)], {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, TSBPF_SNAPSHOT_WARMUP: JSON.stringify(warmup) },
    });
    lowerPriority(child);
    child.unref();
  } catch {
    // best effort: the next compile runs in-process again
  }
}

/**
 * Compiles in a process started from the snapshot. Undefined when there is no snapshot or it
 * failed (then deleted); the caller compiles in-process.
 */
export async function compileInSnapshot(request: SnapshotRequest): Promise<SnapshotResponse | undefined> {
  if (!snapshotEnabled()) return undefined;
  let blob: string;
  try {
    blob = snapshotPath();
  } catch {
    return undefined; // no compiler installed (a bundle): the in-process import says why
  }
  if (!existsSync(blob)) return undefined;
  const answer = await new Promise<{ code: number | null; out: string; err: string } | undefined>((resolve) => {
    const child = spawn(process.execPath, ["--snapshot-blob", blob], { stdio: ["pipe", "ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdio[3]!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => resolve({ code, out, err }));
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(JSON.stringify(request));
  });
  let response: (SnapshotResponse & { error?: undefined }) | { error: string } | undefined;
  try {
    response = answer && answer.code === 0 ? (JSON.parse(answer.out) as SnapshotResponse | { error: string }) : undefined;
  } catch {
    response = undefined;
  }
  if (!response || "error" in response && response.error !== undefined) {
    // A snapshot that cannot compile is of no use: the next compile builds a new one.
    rmSync(blob, { force: true });
    if (process.env.TSBPF_SNAPSHOT_DEBUG === "1") writeSync(2, `tsbpf: the compiler snapshot failed (${response?.error ?? answer?.err ?? "no answer"}); compiling in-process\n`);
    return undefined;
  }
  return response as SnapshotResponse;
}
