// Starting without the compiler: `tsbpf help`, `inspect`, `run x.o` and a second `run x.bpf.ts`
// (from the object cache) never load TypeScript, as the process's own module list shows (a
// preloaded reporter writes it at exit; compiling is the control that it sees TypeScript); `run`
// of a built object prints its events and maps, decoded from its BTF.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attached, start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, fixture, repoRoot } from "./support/paths.js";

const reporter = join(repoRoot, "test", "support", "loaded-modules.mjs");
let dir: string;

/** node --import reporter cli.js ...args, with its own cache; returns the modules it loaded too. */
function cliArgs(args: string[], cache = "cache"): { argv: string[]; env: NodeJS.ProcessEnv; modules: () => string[] } {
  const out = join(dir, `modules-${Math.random().toString(36).slice(2)}.json`);
  return {
    argv: ["--import", reporter, cliPath, ...args],
    env: { ...process.env, TSBPF_CACHE_DIR: join(dir, cache), TSBPF_TEST_MODULES: out },
    modules: () => JSON.parse(readFileSync(out, "utf8")) as string[],
  };
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const call = cliArgs(args);
  const result = spawnSync(process.execPath, call.argv, { encoding: "utf8", env: call.env, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, modules: call.modules() };
}

// TypeScript is inside the compiler's bundle (dist/compiler.cjs) or, from sources, ts-morph's.
const typeScript = (modules: string[]) => modules.filter((m) => /[\\/](typescript|ts-morph|@ts-morph[\\/]common)[\\/]|[\\/]compiler\.cjs$/.test(m));

beforeAll(() => {
  dir = mkdtempSync(join(repoRoot, "test", ".tmp-startup-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("commands that need no compiler", () => {
  it("tsbpf help loads no TypeScript; tsbpf build does (the check's control)", () => {
    const help = cli(["help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("tsbpf run <file.bpf.ts | obj.o>");
    expect(typeScript(help.modules)).toEqual([]);

    const build = cli(["build", fixture("write-events.bpf.ts"), "-o", join(dir, "write-events.bpf.o")]);
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
    expect(typeScript(build.modules).length).toBeGreaterThan(0);

    const inspect = cli(["inspect", join(dir, "write-events.bpf.o")]);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toContain("onWrite");
    expect(typeScript(inspect.modules)).toEqual([]);
  }, 120_000);
});

/** Runs `tsbpf run <file> --json` for this process's writes to a fd, makes `writes` of them, stops it. */
async function runWrites(file: string, writes: number, cache?: string) {
  const fd = openSync("/dev/null", "w");
  try {
    const call = cliArgs(["run", file, "--json", "--config", `targetPid=${process.pid}`, "--config", `targetFd=${fd}`], cache);
    const run = start(process.execPath, call.argv, call.env);
    await attached(run, 120_000);
    for (let i = 0; i < writes; i++) writeSync(fd, "abcd");
    // The ring buffer's reader prints asynchronously: wait for the events before stopping.
    const deadline = Date.now() + 10_000;
    while (run.stdout().split('"kind":"event"').length - 1 < writes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    run.child.kill("SIGINT");
    const result = await run.finished;
    const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    return { ...result, lines, modules: call.modules() };
  } finally {
    closeSync(fd);
  }
}

describeKernel("tsbpf run without the compiler", () => {
  it("runs a built object: events and maps from its BTF, no TypeScript loaded", async () => {
    const object = join(dir, "events.bpf.o");
    const build = cli(["build", fixture("write-events.bpf.ts"), "-o", object]);
    expect(build.status).toBe(0);
    const result = await runWrites(object, 3);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = result.lines.filter((l) => l.kind === "event");
    expect(events).toEqual(Array.from({ length: 3 }, () => ({ kind: "event", map: "events", value: { pid: process.pid, fd: expect.any(Number), bytes: 4 } })));
    expect(result.lines.find((l) => l.kind === "map" && l.map === "counts")).toEqual({ kind: "map", map: "counts", entries: [[process.pid, 3]] });
    expect(result.lines.find((l) => l.kind === "attached")).toMatchObject({ probe: "events", programs: 1, links: 1 });
    expect(typeScript(result.modules)).toEqual([]);
  }, 180_000);

  it("rejects --class for an object (which holds one probe)", () => {
    const object = join(dir, "write-events.bpf.o");
    const withClass = cli(["run", object, "--class", "WriteEvents", "--duration", "1"]);
    expect(withClass.status).toBe(2);
    expect(withClass.stderr).toContain("holds one probe");
  });

  it("a second run of an unchanged probe file takes the cached object and loads no TypeScript", async () => {
    const first = await runWrites(fixture("write-events.bpf.ts"), 2, "run-cache");
    expect(first.code).toBe(0);
    expect(typeScript(first.modules).length).toBeGreaterThan(0);
    const second = await runWrites(fixture("write-events.bpf.ts"), 2, "run-cache");
    expect(second.code).toBe(0);
    expect(second.lines.filter((l) => l.kind === "event")).toHaveLength(2);
    expect(second.lines.find((l) => l.kind === "map" && l.map === "counts")).toEqual({ kind: "map", map: "counts", entries: [[process.pid, 2]] });
    expect(typeScript(second.modules)).toEqual([]);
  }, 240_000);
});
