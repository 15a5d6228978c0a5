// The `tsbpf` command itself: --help for every command, --version, option errors that name the
// option, the value and what is accepted (exit 2, nothing on stdout), colour only where wanted
// (NO_COLOR, non-TTY), a quiet exit on a closed pipe, a missing or wrong attach target and an
// attach failure reported before any output (with a hint when the interface is in another
// network namespace), progress lines on stderr (plain on a pipe, one rewritten line on a
// terminal), and tsbpf's own writes left out of what `run` prints.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { HardwareEvent, SoftwareEvent } from "@tsbpf/runtime";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { perfEvents } from "../packages/tsbpf/src/cli/args.ts";
import { describeKernel, toolPath } from "./support/kernel.js";
import { cliPath, example, fixture, repoRoot } from "./support/paths.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(repoRoot, "test", ".tmp-command-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs tsbpf with its stdout and stderr on pipes (not terminals). */
function tsbpf(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", env: { ...base, ...env }, timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ESC = "\x1b[";
const version = (JSON.parse(readFileSync(join(repoRoot, "packages", "tsbpf", "package.json"), "utf8")) as { version: string }).version;

describe("tsbpf: help, version, option errors", () => {
  it("--help for every command, exit 0 on stdout", () => {
    for (const [args, usage] of [
      [["--help"], "Usage: tsbpf [options] [command]"],
      [["help"], "Usage: tsbpf [options] [command]"],
      [[], "Usage: tsbpf [options] [command]"],
      [["init", "--help"], "Usage: tsbpf init [options] [folder]"],
      [["build", "--help"], "Usage: tsbpf build [options] <file.bpf.ts>"],
      [["run", "--help"], "Usage: tsbpf run <file.bpf.ts | obj.o> [options]"],
      [["help", "run"], "Usage: tsbpf run <file.bpf.ts | obj.o> [options]"],
      [["gen", "vmlinux", "--help"], "Usage: tsbpf gen vmlinux [options]"],
      [["inspect", "-h"], "Usage: tsbpf inspect [options] <obj.o>"],
    ] as const) {
      const r = tsbpf([...args]);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout.startsWith(usage), `${args.join(" ")}: ${r.stdout}`).toBe(true);
      expect(r.stderr).toBe("");
    }
    expect(tsbpf(["run", "--help"]).stdout).toContain("--flamegraph <file.svg>");
  }, 120_000);

  it("--version and -V print the package's version", () => {
    for (const flag of ["--version", "-V"]) {
      const r = tsbpf([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  }, 60_000);

  it("names the option, the value and what it accepts, with exit status 2 and nothing on stdout", () => {
    const file = example("hello.bpf.ts");
    for (const [args, ...expected] of [
      [["run", file, "--duration", "abc"], "option '-d, --duration <seconds>' argument 'abc' is invalid", "expected a positive number of seconds"],
      [["run", file, "-d", "-1"], "argument '-1' is invalid", "positive number of seconds"],
      [["run", file, "--duration", "0"], "argument '0' is invalid"],
      [["run", file, "--duration", "3000000"], "argument '3000000' is invalid", "at most 2147483"],
      [["run", file, "--pid", "12x"], "option '-p, --pid <pid>' argument '12x' is invalid", "expected a positive integer"],
      [["run", file, "--frequency", "0.5"], "option '--frequency <hz>' argument '0.5' is invalid", "expected a positive integer"],
      [["run", file, "--event", "cpu-clocks"], "option '--event <name>' argument 'cpu-clocks' is invalid", "Allowed choices are cpu-clock, task-clock"],
      [["run", file, "--config", "targetPid"], "option '-c, --config <name=value>' argument 'targetPid' is invalid", "expected name=value"],
      [["run", file, "--nope"], "unknown option '--nope'"],
      [["run"], "missing required argument 'file'"],
      [["frob"], "unknown command 'frob'"],
      [["run", join(dir, "missing.bpf.ts")], "no such file:"],
      [["inspect", join(dir, "missing.o")], "no such file:"],
      [["init", "a", "b"], "too many arguments for 'init'"],
      [["build", file, "--output"], "option '-o, --output <out.o>' argument missing"],
    ] as const) {
      const r = tsbpf([...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      for (const text of expected) expect(r.stderr, args.join(" ")).toContain(text);
      expect(r.stderr).toMatch(/^tsbpf: /);
      expect(r.stderr).toContain("(add --help for usage)");
    }
  }, 180_000);

  it("--event's choices are the runtime's event names", () => {
    expect([...perfEvents].sort()).toEqual([...Object.keys(SoftwareEvent), ...Object.keys(HardwareEvent)].sort());
  });

  it("colours errors only on request when not on a terminal; NO_COLOR wins", () => {
    const args = ["run", example("hello.bpf.ts"), "--duration", "abc"];
    expect(tsbpf(args).stderr).not.toContain(ESC);
    expect(tsbpf(args, { FORCE_COLOR: "1" }).stderr).toContain(`${ESC}31m`);
    expect(tsbpf(args, { FORCE_COLOR: "1", NO_COLOR: "1" }).stderr).not.toContain(ESC);
  }, 60_000);
});

describeKernel("tsbpf run: targets, attach failures, pipes, progress, its own process", () => {
  let net: TestNetwork | undefined;
  const hello = () => join(dir, "hello.bpf.o");
  const portfilter = () => join(dir, "xdp-portfilter.bpf.o");
  beforeAll(() => {
    // Built objects: each run below loads without compiling.
    for (const [source, out] of [[example("hello.bpf.ts"), hello()], [example("xdp-portfilter.bpf.ts"), portfilter()]]) {
      const r = tsbpf(["build", source!, "-o", out!]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
  }, 240_000);
  afterAll(() => net?.cleanup());

  it("a program whose target is missing or absent is an error before any output", () => {
    const missing = tsbpf(["run", portfilter(), "--duration", "30"]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain('xdp-portfilter.filter is an XDP program (section "xdp"): it needs --interface <name>');

    const absent = tsbpf(["run", portfilter(), "--interface", "tsbpf-nosuch0", "--duration", "30"]);
    expect(absent.status).toBe(2);
    expect(absent.stdout).toBe("");
    expect(absent.stderr).toContain("--interface tsbpf-nosuch0: no such interface in this network namespace");

    const netns = tsbpf(["run", portfilter(), "--interface", "lo", "--netns", "tsbpf-nosuch-netns", "--json"]);
    expect(netns.status).toBe(2);
    expect(netns.stdout).toBe("");
    expect(netns.stderr).toContain("--netns tsbpf-nosuch-netns: no such network namespace");
  }, 120_000);

  it("--folded and --flamegraph on a probe that keeps no stacks are an error before any output", () => {
    for (const option of ["--folded", "--flamegraph"]) {
      const r = tsbpf(["run", hello(), option, join(dir, "out"), "--duration", "30"]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`${option}: ${hello()} keeps no stacks (no StackTrace map)`);
    }
  }, 120_000);

  it("says which network namespace holds an interface that is not in this one", () => {
    toolPath("ip");
    net = createTestNetwork("cli");
    const r = tsbpf(["run", portfilter(), "--interface", net.receiverIf, "--duration", "30"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`--interface ${net.receiverIf}: no such interface in this network namespace; ` +
      `it exists in network namespace ${net.receiver} (add --netns ${net.receiver})`);
    // Followed, the hint works.
    const ok = tsbpf(["run", portfilter(), "--interface", net.receiverIf, "--netns", net.receiver, "--duration", "0.5", "--json"]);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout.split("\n")[0]!)).toMatchObject({ kind: "attached", links: 1 });
  }, 60_000);

  it("an attach failure exits 1 with the kernel's reason and nothing on stdout (no map dump)", () => {
    // The tracepoint attaches, then the uprobe cannot: nothing is printed, not even the empty map.
    for (const json of [[], ["--json"]]) {
      const r = tsbpf(["run", fixture("attach-fails.bpf.ts"), "--duration", "30", ...json]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^tsbpf: \/bin\/true has no function tsbpf_no_such_function in its symbol tables$/m);
      expect(r.stderr).not.toContain("counts");
    }
  }, 120_000);

  it("exits quietly (status 0, no EPIPE) when the reader of its output goes away", () => {
    // --trace-self: hello then prints a line for each of its own writes, so output never stops.
    const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${cliPath}" run "${hello()}" --trace-self --duration 60 | head -1`],
      { encoding: "utf8", timeout: 50_000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/^\[printk\] .*hello: write by pid \d+/);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  }, 60_000);

  it("leaves its own writes out of what it prints; --trace-self keeps them", () => {
    const own = (json: string) => json.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>)
      .filter((l) => l.kind === "printk");
    const spawnRun = (extra: string[]) => spawnSync(process.execPath, [cliPath, "run", hello(), "--json", "--duration", "2", ...extra], { encoding: "utf8", timeout: 60_000 });
    const filtered = spawnRun([]);
    expect(filtered.status).toBe(0);
    const pid = (r: ReturnType<typeof spawnRun>) => r.pid!;
    expect(own(filtered.stdout).filter((l) => l.message.includes(`by pid ${pid(filtered)} `))).toEqual([]);
    const kept = spawnRun(["--trace-self"]);
    expect(kept.status).toBe(0);
    expect(own(kept.stdout).filter((l) => l.message.includes(`by pid ${pid(kept)} `)).length).toBeGreaterThan(0);
  }, 120_000);

  it("shows progress on stderr: plain lines on a pipe, nothing with --json, one rewritten line on a terminal", () => {
    const plain = tsbpf(["run", hello(), "--duration", "0.5"]);
    expect(plain.status).toBe(0);
    const lines = plain.stderr.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "tsbpf: loading hello (1 program(s), 1 map(s))...",
      "tsbpf: attaching hello...",
      "tsbpf: hello: 1 program(s) loaded, 1 attached. Running for 0.5 s.",
    ]);
    expect(plain.stderr).not.toContain(ESC);
    expect(tsbpf(["run", hello(), "--duration", "0.5", "--json"]).stderr).toBe("");

    // script(1) gives the command a terminal; its typescript of the session is what we read.
    const onTty = (env: string) => spawnSync(toolPath("script"), ["-qec", `${env} "${process.execPath}" "${cliPath}" run "${hello()}" --duration 0.5 --config targetPid=1`, "/dev/null"],
      { encoding: "utf8", timeout: 60_000 });
    const tty = onTty("");
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain("\r\x1b[2K");
    expect(tty.stdout).toContain("loading hello (1 program(s), 1 map(s))...");
    expect(tty.stdout).toContain("✔");
    expect(tty.stdout).toContain(`${ESC}32m`);
    expect(tty.stdout).toContain("hello: 1 program(s) loaded, 1 attached.");
    const plainTty = onTty("NO_COLOR=1");
    expect(plainTty.status).toBe(0);
    expect(plainTty.stdout).toContain("\r\x1b[2K");
    expect(plainTty.stdout).not.toMatch(/\x1b\[\d+m/);
  }, 120_000);
});
