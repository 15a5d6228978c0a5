/**
 * A lock across processes for tests that use a kernel resource only one user can have at a time:
 * trace_pipe is one global buffer and reading consumes it, so two concurrent readers (two vitest
 * workers, or two test runs on the machine) steal each other's lines. The lock is a directory
 * (mkdir is atomic) holding the owner's pid; a lock whose owner died is taken over.
 *
 *   await exclusively("trace-pipe", async () => { ...read trace_pipe... });
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processAlive } from "../sys/process-alive.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ownerAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, "owner"), "utf8"));
  } catch {
    return true; // just made, the owner is writing its pid
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return processAlive(pid);
}

/** Runs `body` while holding the machine-wide lock `name`; waits up to `waitMs` for it. */
export async function exclusively<T>(name: string, body: () => Promise<T>, waitMs = 120_000): Promise<T> {
  const dir = join(tmpdir(), `tsbpf-test-lock-${name}`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (!ownerAlive(dir)) {
      // Move the dead owner's lock aside (rename is atomic: one taker wins), then retry mkdir.
      const aside = `${dir}.stale-${process.pid}`;
      try {
        renameSync(dir, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        // someone else took it over first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${waitMs} ms waiting for the test lock ${dir}`);
    await sleep(50);
  }
  try {
    writeFileSync(join(dir, "owner"), String(process.pid));
    return await body();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
