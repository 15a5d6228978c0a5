// Stacks in `tsbpf run`: a tracepoint on getppid(2) records the kernel and user stacks of a C++
// program built here, which calls getppid from a known function a known number of times. The
// events' stacks print as frames (kernel names checked against /proc/kallsyms, the user function's
// demangled name against nm and c++filt), --folded counts exactly the calls made along the call
// path, and --flamegraph's SVG, parsed, has that path as nested frames with those counts. The
// runtime's symbolizeUser names an address computed from nm's symbol table and the process's mappings.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { symbolizeUser } from "@tsbpf/runtime";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, expect, it } from "vitest";
import { attached, start, until } from "./support/child.js";
import { describeKernel, toolPath } from "./support/kernel.js";
import { cliPath, example, fixture, repoRoot } from "./support/paths.js";

const CALLS = 20;
let dir: string;
let asker: string;
let spinner: string;

beforeAll(() => {
  dir = mkdtempSync(join(repoRoot, "test", ".tmp-stacks-"));
  asker = join(dir, "asker");
  // Frame pointers: the kernel walks user stacks by them.
  execFileSync(toolPath("g++"), ["-O0", "-fno-omit-frame-pointer", "-o", asker, fixture("stacks/asker.cc")]);
  spinner = join(dir, "spinner");
  execFileSync(toolPath("g++"), ["-O0", "-fno-omit-frame-pointer", "-o", spinner, fixture("stacks/spinner.cc")]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Function symbols of the binary from nm: mangled name → { address, size }. */
function nmSymbols(binary: string): Map<string, { address: bigint; size: bigint }> {
  const out = new Map<string, { address: bigint; size: bigint }>();
  for (const line of execFileSync(toolPath("nm"), ["-S", "--defined-only", binary], { encoding: "utf8" }).split("\n")) {
    const [address, size, type, name] = line.trim().split(/\s+/);
    if (name && /^[tT]$/.test(type!)) out.set(name, { address: BigInt(`0x${address}`), size: BigInt(`0x${size}`) });
  }
  return out;
}

const demangled = (mangled: string) => execFileSync(toolPath("c++filt"), [mangled], { encoding: "utf8" }).trim();

/** Text symbols of /proc/kallsyms, by name. */
function kallsyms(): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync("/proc/kallsyms", "utf8").split("\n")) {
    const [, type, name] = line.split(/\s+/);
    if (name && /^[tTwW]$/.test(type ?? "")) names.add(name);
  }
  return names;
}

const nameOf = (frame: string) => frame.replace(/\+0x[0-9a-f]+$/, "");

describeKernel("tsbpf run: stacks", () => {
  it("names kernel and user stack frames, and writes --folded and --flamegraph", async () => {
    const target = start(asker, [String(CALLS)]);
    const folded = join(dir, "stacks.folded");
    const svg = join(dir, "stacks.svg");
    try {
      const run = start(process.execPath, [cliPath, "run", fixture("syscall-stacks.bpf.ts"), "--json",
        "--config", `targetPid=${target.child.pid}`, "--folded", folded, "--flamegraph", svg]);
      await attached(run, 120_000);
      target.child.stdin.write("g");
      await until(() => target.stdout().includes("done"), 20_000, "the target's calls");
      const events = () => run.stdout().split('"kind":"event"').length - 1;
      await until(() => events() >= CALLS, 20_000, "an event per call");
      run.child.kill("SIGINT");
      const result = await run.finished;
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);

      // Events: every call's stacks as frames.
      const sent = lines.filter((l) => l.kind === "event");
      expect(sent).toHaveLength(CALLS);
      const symbols = nmSymbols(asker);
      const askParent = [...symbols.keys()].find((n) => n.includes("ask_parent"))!;
      const main = symbols.get("main")!;
      const kernelNames = kallsyms();
      for (const { value } of sent) {
        expect(value.pid).toBe(target.child.pid);
        const kernel = (value.kernelStack as string[]).map(nameOf);
        // The syscall entry path, innermost first, every name a kernel text symbol.
        expect(kernel.length).toBeGreaterThan(0);
        for (const name of kernel) expect(kernelNames.has(name)).toBe(true);
        expect(kernel).toContain("do_syscall_64");
        expect(kernel[kernel.length - 1]).toMatch(/^entry_SYSCALL_64/);
        const user = value.userStack as string[];
        expect(nameOf(user[0]!)).toBe("getppid");
        const inAsk = user.findIndex((f) => nameOf(f) === demangled(askParent));
        const inMain = user.findIndex((f) => nameOf(f) === "main");
        expect(demangled(askParent)).toBe("demo::ask_parent(int)");
        expect(inAsk).toBeGreaterThan(0);
        expect(inMain).toBeGreaterThan(inAsk);
        // Offsets fall inside the functions, as nm sizes them.
        expect(BigInt(user[inMain]!.split("+")[1]!)).toBeLessThan(main.size);
        expect(BigInt(user[inAsk]!.split("+")[1]!)).toBeLessThan(symbols.get(askParent)!.size);
      }

      // The folded file: one stack, counted once per call, outermost frame first.
      const foldedLines = readFileSync(folded, "utf8").trim().split("\n");
      expect(foldedLines).toHaveLength(1);
      const [, stack, count] = /^(.*) (\d+)$/.exec(foldedLines[0]!)!;
      expect(Number(count)).toBe(CALLS);
      const frames = stack!.split(";");
      expect(frames[0]).toBe("asker");
      const at = (name: string) => frames.indexOf(name);
      expect(at("main")).toBeGreaterThan(0);
      expect(at("demo::ask_parent(int)")).toBe(at("main") + 1);
      expect(at("getppid")).toBeGreaterThan(at("demo::ask_parent(int)"));
      expect(at("do_syscall_64_[k]")).toBeGreaterThan(at("getppid"));
      expect(frames.findIndex((f) => /^entry_SYSCALL_64.*_\[k\]$/.test(f))).toBe(at("getppid") + 1);

      // The SVG: parsed, its frames are the folded stack's, nested, each with all the samples.
      const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(svg, "utf8"));
      const groups = ([] as Record<string, any>[]).concat(doc.svg.g).filter((g) => g.class === "frame");
      const byDepth = new Map(groups.map((g) => [Number(g["data-depth"]), g]));
      expect(byDepth.get(0)!["data-name"]).toBe("all");
      expect(groups).toHaveLength(frames.length + 1);
      frames.forEach((name, i) => {
        const g = byDepth.get(i + 1)!;
        expect(g["data-name"]).toBe(name);
        expect(Number(g["data-samples"])).toBe(CALLS);
        expect(g.title).toBe(`${name} (${CALLS} samples, 100.00%)`);
        expect(Number(g.rect.width)).toBeCloseTo(Number(byDepth.get(0)!.rect.width), 1);
        // Callees above callers.
        expect(Number(g.rect.y)).toBeLessThan(Number(byDepth.get(i)!.rect.y));
      });
      expect(String(doc.svg.script["#text"])).toContain("function zoom");
    } finally {
      target.child.stdin.end();
      await target.finished;
    }
  }, 180_000);

  it("still writes --folded when its reader goes away (tsbpf run ... | head -1)", async () => {
    const calls = 200;
    const target = start(asker, [String(calls)]);
    const folded = join(dir, "closed-pipe.folded");
    try {
      const run = start("bash", ["-c", `set -o pipefail; "${process.execPath}" "${cliPath}" run "${fixture("syscall-stacks.bpf.ts")}" ` +
        `--config targetPid=${target.child.pid} --duration 120 --folded "${folded}" | head -1`]);
      let stderr = "";
      run.child.stderr.on("data", (chunk) => (stderr += chunk));
      await until(() => /1 attached/.test(stderr) || run.child.exitCode !== null, 120_000, "tsbpf run to attach");
      target.child.stdin.write("g");
      // head reads one event line and exits; tsbpf's next line finds the pipe closed and it stops.
      const result = await run.finished;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\[events\] pid=\d+ kernelStack=\[/);
      expect(result.stdout.trim().split("\n")).toHaveLength(1);
      expect(stderr).not.toMatch(/EPIPE|Error/);
      // Stopped by the closed pipe, long before --duration: the calls were all made and counted.
      const [, stack, count] = /^(.*) (\d+)$/.exec(readFileSync(folded, "utf8").trim())!;
      expect(Number(count)).toBe(calls);
      expect(stack).toContain(";demo::ask_parent(int);");
    } finally {
      target.child.stdin.end();
      await target.finished;
    }
  }, 180_000);

  it("profiles a process: examples/profile.bpf.ts's samples as folded stacks and a flame graph", async () => {
    const target = start(spinner, []);
    const folded = join(dir, "profile.folded");
    const svg = join(dir, "profile.svg");
    try {
      const run = start(process.execPath, [cliPath, "run", example("profile.bpf.ts"), "--event", "cpu-clock", "--frequency", "99",
        "--config", `targetPid=${target.child.pid}`, "--duration", "3", "--json", "--folded", folded, "--flamegraph", svg]);
      await attached(run, 120_000);
      const result = await run.finished;
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
      // The samples the kernel counted, as the map prints them (keys with their stacks as frames).
      const counts = lines.find((l) => l.kind === "map" && l.map === "counts")!.entries as [Record<string, any>, number][];
      const samples = counts.reduce((n, [, c]) => n + c, 0);
      expect(samples).toBeGreaterThanOrEqual(10);
      for (const [key] of counts) {
        expect(key).toMatchObject({ pid: target.child.pid, comm: "spinner" });
        expect(Array.isArray(key.userStack)).toBe(true);
      }

      // Folded: the same samples; the spinning function's on top of main in (nearly) all of them.
      const stacks = readFileSync(folded, "utf8").trim().split("\n").map((l) => /^(.*) (\d+)$/.exec(l)!);
      expect(stacks.reduce((n, m) => n + Number(m[2]), 0)).toBe(samples);
      for (const m of stacks) expect(m[1]!.split(";")[0]).toBe("spinner");
      const inBurn = stacks.filter((m) => /;main;demo::burn\(unsigned long volatile\*\)(;|$)/.test(m[1]!)).reduce((n, m) => n + Number(m[2]), 0);
      expect(demangled([...nmSymbols(spinner).keys()].find((n) => n.includes("burn"))!)).toBe("demo::burn(unsigned long volatile*)");
      // A tick in the kernel (an interrupt, a page fault) has a user stack too; most are in burn.
      expect(inBurn).toBeGreaterThan(samples / 2);

      // The SVG: its root holds every sample, and the burn frame those of the stacks through it.
      const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(svg, "utf8"));
      const groups = ([] as Record<string, any>[]).concat(doc.svg.g).filter((g) => g.class === "frame");
      expect(Number(groups.find((g) => g["data-depth"] === "0")!["data-samples"])).toBe(samples);
      const burn = groups.filter((g) => g["data-name"] === "demo::burn(unsigned long volatile*)");
      expect(burn.reduce((n, g) => n + Number(g["data-samples"]), 0)).toBeGreaterThanOrEqual(inBurn);
      expect(groups.find((g) => g["data-name"] === "spinner")!["data-depth"]).toBe("1");
    } finally {
      target.child.kill("SIGKILL");
    }
  }, 180_000);

  it("names JIT-compiled JavaScript from the process's perf map (node --perf-basic-prof)", async () => {
    const script = "function tsbpfHotLoop(n) { let s = 0; for (let i = 0; i < n; i++) s += (i * i) % 7; return s; }\n" +
      "let total = 0; for (;;) total += tsbpfHotLoop(1e6);";
    // --perf-basic-prof also writes V8's log, by default into the current folder: keep it in ours.
    const target = start(process.execPath, ["--perf-basic-prof", "--no-logfile-per-isolate", `--logfile=${join(dir, "v8.log")}`, "-e", script]);
    const perfMap = `/tmp/perf-${target.child.pid}.map`;
    const folded = join(dir, "node.folded");
    try {
      await until(() => existsSync(perfMap) && readFileSync(perfMap, "utf8").includes("tsbpfHotLoop"), 20_000, "V8 to compile the loop");
      const run = start(process.execPath, [cliPath, "run", example("profile.bpf.ts"), "--event", "cpu-clock", "--frequency", "99",
        "--config", `targetPid=${target.child.pid}`, "--duration", "3", "--json", "--folded", folded]);
      await attached(run, 120_000);
      expect((await run.finished).code).toBe(0);
      const stacks = readFileSync(folded, "utf8").trim().split("\n").map((l) => /^(.*) (\d+)$/.exec(l)!);
      const samples = stacks.reduce((n, m) => n + Number(m[2]), 0);
      // The loop's frame as V8 named it in the perf map ("JS:*tsbpfHotLoop [eval]:1:..."), on top
      // of V8's entry trampolines, in most samples.
      const inLoop = stacks.filter((m) => /;JS:\*?tsbpfHotLoop [^;]*(;[^;]*_\[k\])*$/.test(m[1]!)).reduce((n, m) => n + Number(m[2]), 0);
      expect(samples).toBeGreaterThanOrEqual(10);
      expect(inLoop).toBeGreaterThan(samples / 2);
    } finally {
      target.child.kill("SIGKILL");
      rmSync(perfMap, { force: true });
    }
  }, 180_000);

  it("symbolizeUser names an address of a running process as nm places it", async () => {
    const target = start(asker, ["1"]);
    try {
      await until(() => readFileSync(`/proc/${target.child.pid}/maps`, "utf8").includes(asker), 5_000, "the target's mappings");
      const symbols = nmSymbols(asker);
      const [mangled, { address }] = [...symbols].find(([n]) => n.includes("ask_parent"))!;
      // A PIE: its first mapping (file offset 0) is where virtual address 0 of the file is loaded.
      const base = readFileSync(`/proc/${target.child.pid}/maps`, "utf8").split("\n")
        .map((l) => /^([0-9a-f]+)-\S+\s+\S+\s+([0-9a-f]+)\s+\S+\s+\d+\s+(\S+)$/.exec(l))
        .find((m) => m && m[3] === asker && BigInt(`0x${m[2]}`) === 0n)!;
      const runtime = BigInt(`0x${base[1]}`) + address + 5n;
      const [frame] = symbolizeUser(target.child.pid!, [runtime]);
      expect(frame).toMatchObject({ symbol: demangled(mangled), offset: 5n, module: asker });
    } finally {
      target.child.stdin.end();
      await target.finished;
    }
  });
});
