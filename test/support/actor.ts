/**
 * The seed examples' actor (actor.c): built once per test process with the system C compiler,
 * it names itself and makes exactly the calls a test asks for, printing what each returned.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("./actor.c", import.meta.url));
let built: string | undefined;

/** The compiled actor's path. */
export function actorBinary(): string {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), "tsbpf-actor-")), "actor");
  execFileSync(process.env.CC ?? "cc", ["-O2", "-o", out, source, "-ldl"], { stdio: "pipe" });
  built = out;
  return out;
}

// Built when a test file imports this module, before any of its probes attach: compiling it
// later, with an unfiltered probe attached (an opensnoop), floods the probe's ring with the
// compiler's header opens.
actorBinary();

/** A comm no other process has (at most 15 characters: the kernel's TASK_COMM_LEN - 1). */
export function uniqueComm(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2)}`.slice(0, 15);
}

/** Runs the actor to the end; resolves to its pid and its output lines (rejects on a failure). */
export function act(comm: string, ...commands: string[]): Promise<{ pid: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(actorBinary(), [comm, ...commands]);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve({ pid: child.pid!, lines: out.trim().split("\n").filter(Boolean) }) : reject(new Error(`actor exited with ${code}: ${err}`))));
  });
}

/** Starts the actor without waiting (for commands that `wait` on stdin); `done` resolves like act(). */
export function startActor(comm: string, ...commands: string[]): { child: ChildProcessWithoutNullStreams; pid: number; output: () => string; done: Promise<string[]> } {
  const child = spawn(actorBinary(), [comm, ...commands]);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<string[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out.trim().split("\n").filter(Boolean)) : reject(new Error(`actor exited with ${code}`))));
  });
  return { child, pid: child.pid!, output: () => out, done };
}
