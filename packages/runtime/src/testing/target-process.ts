/**
 * Test-only: builds the C target of the uprobe/USDT tests (links/__fixtures__/target.c) with the
 * system C compiler, and runs it paused until the test has attached its probes.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../links/__fixtures__/target.c", import.meta.url));
let built: string | undefined;

/** The compiled target's path (built once per process). */
export function targetBinary(): string {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), "tsbpf-attach-target-")), "target");
  execFileSync(process.env.CC ?? "cc", ["-O2", "-g", "-o", out, source], { stdio: "pipe" });
  built = out;
  return out;
}

export interface PausedTarget {
  child: ChildProcess;
  pid: number;
  /** Lets the target run its loop; resolves with what it printed once it exits. */
  run(): Promise<string>;
}

/** Starts the target with `count` iterations, waiting on stdin. */
export function startTarget(count: number): PausedTarget {
  const child = spawn(targetBinary(), [String(count)], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve, reject) => {
    child.on("exit", (code) => (code === 0 ? resolve(output.trim()) : reject(new Error(`target exited with ${code}`))));
  });
  return {
    child,
    pid: child.pid!,
    run: () => {
      child.stdin!.end("go\n");
      return exited;
    },
  };
}
