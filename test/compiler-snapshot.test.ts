// The compiler snapshot (packages/tsbpf/src/compiler-snapshot.ts): the first compile that misses
// the object cache runs in-process and builds the snapshot in the background; later compiles run
// in a process started from it, load no TypeScript into the CLI's process, and give the same
// objects and the same diagnostics as an in-process compile, also after a file the snapshot
// parsed has changed; a broken snapshot is deleted and the compile runs in-process.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, repoRoot } from "./support/paths.js";

const reporter = join(repoRoot, "test", "support", "loaded-modules.mjs");
let dir: string;
let snapshots: string;

const probeText = (limitType: string) => `import { HashMap, Probe, tracepoint, u32, bpf, type i32, type u64, type SysEnterContext } from "tsbpf";
import { LIMIT } from "./limits.ts";

export class Counts extends Probe {
  counts = new HashMap<u32, u64>({ maxEntries: LIMIT${limitType} });

  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    if (ctx.args[2] > 100n) this.counts.increment(u32(bpf.getCurrentPidTgid() >> 32n));
    return 0;
  }
}
`;

/** `tsbpf build`, with the snapshot on or off; returns what it printed, the object and the modules it loaded. */
function build(probe: string, snapshot: boolean) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.o`);
  const modules = join(dir, `modules-${Math.random().toString(36).slice(2)}.json`);
  const result = spawnSync(process.execPath, ["--import", reporter, cliPath, "build", probe, "-o", out], {
    cwd: dir,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, TSBPF_CACHE: "0", TSBPF_SNAPSHOT: snapshot ? "1" : "0", TSBPF_SNAPSHOT_DIR: snapshots, TSBPF_TEST_MODULES: modules },
  });
  return {
    status: result.status,
    stderr: result.stderr,
    object: existsSync(out) ? readFileSync(out) : undefined,
    typeScript: (JSON.parse(readFileSync(modules, "utf8")) as string[]).filter((m) => /[\\/](typescript|ts-morph|@ts-morph[\\/]common)[\\/]|[\\/]compiler\.cjs$/.test(m)),
  };
}

const blobs = () => readdirSync(snapshots).filter((n) => n.endsWith(".blob"));

async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(repoRoot, "test", ".tmp-snapshot-"));
  snapshots = join(dir, "snapshots");
  writeFileSync(join(dir, "limits.ts"), "export const LIMIT = 64;\n");
  writeFileSync(join(dir, "counts.bpf.ts"), probeText(""));
});
afterAll(async () => {
  // The background build the last compile started (its lock goes when it ends).
  await until(() => !existsSync(snapshots) || !readdirSync(snapshots).some((n) => n.endsWith(".lock")), 170_000, "the snapshot build").catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe("compiling in a process started from the compiler snapshot", () => {
  it("builds the snapshot after an in-process compile, then compiles there to the same object without TypeScript in the CLI", async () => {
    const probe = join(dir, "counts.bpf.ts");
    const first = build(probe, true);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.typeScript.length).toBeGreaterThan(0); // no snapshot yet: in-process
    // The background build: a blob appears and its lock goes.
    await until(() => existsSync(snapshots) && blobs().length === 1 && !readdirSync(snapshots).some((n) => n.endsWith(".lock")), 170_000, "the snapshot build");

    const viaSnapshot = build(probe, true);
    expect(viaSnapshot.stderr).toBe("");
    expect(viaSnapshot.status).toBe(0);
    expect(viaSnapshot.typeScript).toEqual([]);
    const inProcess = build(probe, false);
    expect(inProcess.typeScript.length).toBeGreaterThan(0);
    expect(viaSnapshot.object).toBeDefined();
    expect(Buffer.compare(viaSnapshot.object!, inProcess.object!)).toBe(0);
  }, 240_000);

  it("gives an in-process compile's diagnostics, and sees a local import changed since the snapshot was built", () => {
    // limits.ts was parsed into the snapshot with LIMIT a number; now it is a string.
    writeFileSync(join(dir, "limits.ts"), 'export const LIMIT: string = "64";\n');
    const probe = join(dir, "counts.bpf.ts");
    const viaSnapshot = build(probe, true);
    const inProcess = build(probe, false);
    expect(viaSnapshot.typeScript).toEqual([]);
    expect(viaSnapshot.status).not.toBe(0);
    expect(viaSnapshot.stderr).toContain("counts.bpf.ts:5");
    expect(viaSnapshot.stderr).toBe(inProcess.stderr);
    expect(inProcess.status).toBe(viaSnapshot.status);

    writeFileSync(join(dir, "limits.ts"), "export const LIMIT = 32;\n");
    const fixed = build(probe, true);
    expect(fixed.status).toBe(0);
    expect(Buffer.compare(fixed.object!, build(probe, false).object!)).toBe(0);
    expect(blobs().length).toBe(1);
  }, 120_000);

  it("deletes a broken snapshot and compiles in-process", () => {
    const [blob] = blobs();
    writeFileSync(join(snapshots, blob!), readFileSync(join(snapshots, blob!)).subarray(0, 4096));
    const result = build(join(dir, "counts.bpf.ts"), true);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.typeScript.length).toBeGreaterThan(0);
    expect(existsSync(join(snapshots, blob!))).toBe(false);
  }, 120_000);

  it("tsbpf snapshot builds one in the foreground and prints its path", async () => {
    // The background build the broken snapshot's compile started ends first (its lock goes).
    await until(() => !readdirSync(snapshots).some((n) => n.endsWith(".lock")), 170_000, "the background snapshot build");
    for (const name of blobs()) rmSync(join(snapshots, name));
    const result = spawnSync(process.execPath, [cliPath, "snapshot", join(dir, "counts.bpf.ts")], {
      cwd: dir,
      encoding: "utf8",
      timeout: 180_000,
      env: { ...process.env, TSBPF_SNAPSHOT: "1", TSBPF_SNAPSHOT_DIR: snapshots },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const path = result.stdout.trim();
    expect(blobs().map((n) => join(snapshots, n))).toEqual([path]);
    const viaSnapshot = build(join(dir, "counts.bpf.ts"), true);
    expect(viaSnapshot.status).toBe(0);
    expect(viaSnapshot.typeScript).toEqual([]);
  }, 360_000);
});
