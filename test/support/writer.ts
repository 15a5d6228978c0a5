/**
 * Test-only: builds test/support/writer.c, a process that makes exactly the write(2) calls its
 * plan lists (comm, descriptor, size, repetitions) once the test lets it go.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("./writer.c", import.meta.url));
let built: string | undefined;

export function writerBinary(): string {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), "tsbpf-writer-")), "writer");
  execFileSync(process.env.CC ?? "cc", ["-O2", "-o", out, source], { stdio: "pipe" });
  built = out;
  return out;
}

/** One step of a plan: `times` writes of `size` bytes to `fd` (50 to 59) under the comm `comm`. */
export interface Writes { comm: string; fd: number; size: number; times: number }

export interface Writer {
  pid: number;
  /** Lets the writer make its writes; resolves once it has exited. */
  run(): Promise<void>;
  kill(): void;
}

/** Starts the writer with its plan, waiting on stdin. */
export function startWriter(plan: readonly Writes[]): Writer {
  const child = spawn(writerBinary(), plan.map((w) => `${w.comm}:${w.fd}:${w.size}:${w.times}`), { stdio: ["pipe", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve, reject) => {
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
  return {
    pid: child.pid!,
    run: () => {
      child.stdin.end("go\n");
      return exited;
    },
    kill: () => child.kill("SIGKILL"),
  };
}
