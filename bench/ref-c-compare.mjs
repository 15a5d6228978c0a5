// tsbpf's examples against ../shared/ref-c, C written as a libbpf author writes it, compiled with the
// newest installed clang-N at -O2 (scripts/ensure-bench-tools.sh installs it and builds a copy of
// ref-c outside the repository). Both objects go through the same harness, ref-c's tools/bpfrun
// (libbpf: load, attach, kernel BPF statistics over a workload), one run after the other,
// alternating which goes first, REPS times. Per program: instructions in the ELF, instructions the
// verifier processed, x86 JIT bytes, and ns per run (min/median/max over the repetitions).
// `node bench/ref-c-compare.mjs [--reps N]` prints the Markdown; `npm run bench` (ref-c.bench.mjs)
// also writes it into bench/RESULTS.md between this section's markers.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../packages/compiler/dist/index.js";
import { readElf, writeElf } from "../packages/object/dist/index.js";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Each example's probe class beside its ref-c twin (`ref:` a file of ref-c, `bench:` one of
 * bench/twins/, written for the examples ref-c has none for), programs paired in order, and how it is
 * exercised: a workload of ref-c's tools/wl with each side's pid filter set to it, a BPF_PROG_TEST_RUN
 * of a 64-byte UDP frame (tc), or nothing (static figures only: the note says why).
 */
export const PAIRS = [
  { example: "hello", twin: "ref:hello", progs: [["onWrite", "handle_tp"]], workload: ["write", "20000"], set: ["targetPid=@workload", "pid_filter=@workload"] },
  { example: "opensnoop", twin: "ref:opensnoop", progs: [["onOpenat", "handle_openat"]], workload: ["openat", "100000"], set: ["targetPid=@workload", "targ_pid=@workload"], rb: true },
  { example: "execsnoop", twin: "ref:execsnoop", progs: [["onExecve", "handle_execve"]], workload: ["execve", "1500"], rb: true },
  { example: "sigsnoop", twin: "ref:sigsnoop", progs: [["enter", "kill_entry"], ["exit", "kill_exit"]], workload: ["kill", "100000"], rb: true },
  { example: "syscount", twin: "ref:syscount", progs: [["onSyscall", "sys_enter"]], workload: ["getpid", "300000"] },
  { example: "runqlat", twin: "ref:runqlat", progs: [["onWakeup", "sched_wakeup"], ["onWakeupNew", "sched_wakeup_new"], ["onSwitch", "sched_switch"]], workload: ["sleep", "4000"] },
  { example: "tc-counter", twin: "ref:tc_count", progs: [["count", "tc_ingress"]], testRun: 2_000_000, section: ["tc/ingress", "tc"] },
  { example: "xdp-portfilter", twin: "bench:xdp_portfilter", progs: [["filter", "filter"]], testRun: 2_000_000, set: ["port=9999", "port=9999"] },
  { example: "bashreadline", twin: "ref:bashreadline", progs: [["onReadline", "printret"]], note: "static: a uretprobe on an interactive bash's readline has no repeatable workload" },
  { example: "unlink", className: "UnlinkKprobes", twin: "ref:unlink_kprobe", progs: [["enter", "do_unlinkat"], ["exit", "do_unlinkat_exit"]], note: "static: no kprobes in this kernel" },
  { example: "unlink", className: "UnlinkSnoop", twin: "ref:unlink", progs: [["enter", "do_unlinkat"], ["exit", "do_unlinkat_exit"]], note: "ELF only: fentry/fexit refused here (lockdown)" },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs bpfrun; returns its `kind key=value` lines parsed. */
function bpfrun(refc, object, args) {
  const r = spawnSync(join(refc, "tools", "bpfrun"), [object, "-q", ...args], { encoding: "utf8", timeout: 300_000 });
  const lines = (r.stdout ?? "").split("\n").map((line) => {
    const [kind, ...pairs] = line.trim().split(/\s+/);
    return { kind, ...Object.fromEntries(pairs.map((p) => p.split("=")).filter((p) => p.length === 2)) };
  });
  return { lines, ok: r.status === 0, stderr: r.stderr };
}

/** The instructions of each program in an ELF object, by name (ld_imm64 counts 2, as the kernel's insn_cnt). */
function elfInstructions(path) {
  const spec = readElf(new Uint8Array(readFileSync(path)));
  return new Map(spec.programs.map((p) => [p.name, p.instructions.length]));
}

/** One measurement of one object: per program name, the static figures and ns/run. */
function measureOnce(refc, object, pair, side) {
  const args = [];
  const set = pair.set?.[side];
  if (set) args.push("-s", set);
  if (pair.testRun) args.push("--testrun", String(pair.testRun));
  else if (pair.workload) args.push("--stats", ...(pair.rb ? ["--rb"] : []), "--", join(refc, "tools", "wl"), ...pair.workload, "--quiet");
  else args.push("--load-only");
  const { lines } = bpfrun(refc, object, args);
  const out = new Map();
  for (const l of lines) {
    if (l.kind === "prog") out.set(l.name, { jit: +l.jited_bytes, verified: +l.verified_insns });
  }
  for (const l of lines) {
    const row = out.get(l.name);
    if (!row) continue;
    if (l.kind === "stats" && +l.run_cnt > 0) row.ns = +l.ns_per_run;
    if (l.kind === "testrun" && l.kernel_ns_per_run) row.ns = +l.kernel_ns_per_run;
  }
  return out;
}

/** The clang that built ref-c (its Makefile's CLANG, as the stamp records it) and its version line. */
function clangVersion(refc) {
  const clang = readFileSync(join(refc, ".stamp"), "utf8").split(" ")[0];
  return execFileSync(clang, ["--version"], { encoding: "utf8" }).split("\n")[0];
}

export async function compare({ reps = 5, log = () => {} } = {}) {
  const refc = execFileSync("bash", [join(root, "scripts", "ensure-bench-tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop();
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-refc-"));
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(" ");
  try {
    const jobs = PAIRS.map((pair) => {
      const compiled = compileFile(join(root, "examples", `${pair.example}.bpf.ts`), { sourceRoot: root });
      const probe = pair.className ? compiled.probes.find((p) => p.className === pair.className) : compiled.probes[0];
      if (!probe) throw new Error(`${pair.example}: ${compiled.diagnostics.map((d) => d.message).join("; ")}`);
      const ours = join(dir, `${pair.example}.${probe.className}.o`);
      // Debian's libbpf 1.1 (the one bpfrun links) predates tcx section names: the same code under
      // the section name it knows ("tc"), rebuilt through the object model.
      if (pair.section) {
        const spec = readElf(probe.elf);
        for (const program of spec.programs) if (program.section === pair.section[0]) program.section = pair.section[1];
        writeFileSync(ours, writeElf(spec));
      } else writeFileSync(ours, probe.elf);
      const [kind, name] = pair.twin.split(":");
      const theirs = kind === "ref" ? join(refc, "ref", `${name}.bpf.o`) : join(dir, `${name}.bpf.o`);
      if (kind === "bench") {
        const clang = readFileSync(join(refc, ".stamp"), "utf8").split(" ")[0];
        execFileSync(clang, ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", `-I${join(refc, "include")}`, "-idirafter", "/usr/include/x86_64-linux-gnu", "-c", join(root, "bench", "twins", `${name}.bpf.c`), "-o", theirs]);
      }
      return { pair, files: [ours, theirs], runs: [[], []], label: pair.className ? `${pair.example} (${pair.className})` : pair.example, twinName: name };
    });
    const measured = jobs.filter((j) => !j.pair.note?.startsWith("ELF only"));
    for (let rep = 0; rep < reps; rep++) {
      for (const job of measured) {
        const order = rep % 2 === 0 ? [0, 1] : [1, 0];
        for (const side of order) job.runs[side].push(measureOnce(refc, job.files[side], job.pair, side));
      }
      log(`ref-c comparison: repetition ${rep + 1}/${reps} done`);
      if (!measured.some((j) => j.pair.workload || j.pair.testRun)) break;
    }
    const rows = [];
    for (const job of jobs) {
      const insns = job.files.map(elfInstructions);
      for (const [ours, theirs] of job.pair.progs) {
        const names = [ours, theirs];
        const side = (s) => {
          const all = job.runs[s].map((m) => m.get(names[s])).filter(Boolean);
          const ns = all.map((r) => r.ns).filter((v) => v !== undefined);
          return { insns: insns[s].get(names[s]), verified: all[0]?.verified, jit: all[0]?.jit, ns: ns.length ? { min: Math.min(...ns), med: median(ns), max: Math.max(...ns) } : undefined };
        };
        rows.push({ example: job.label, program: ours, twin: `${job.pair.twin.replace(/^ref:/, "ref-c ").replace(/^bench:/, "bench/twins ")}:${theirs}`, tsbpf: side(0), ref: side(1), note: job.pair.note ?? (job.pair.testRun ? `ns: BPF_PROG_TEST_RUN ×${job.pair.testRun}${job.pair.section ? `; tsbpf's section ${job.pair.section[0]} renamed ${job.pair.section[1]} for libbpf 1.1` : ""}` : `workload: wl ${job.pair.workload.join(" ")}`) });
      }
    }
    return { rows, reps, clang: clangVersion(refc), machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`, kernel: release(), loadBefore, load: loadavg().map((l) => l.toFixed(2)).join(" "), date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratio = (a, b) => (a !== undefined && b ? (a / b).toFixed(2) : "-");
const fmt = (v) => (v === undefined ? "-" : String(v));
const nsCell = (n) => (n ? `${n.min.toFixed(0)} / ${n.med.toFixed(0)} / ${n.max.toFixed(0)}` : "-");

export function markdown(result) {
  const head = ["example", "program", "twin", "insns ts/C", "×", "verified ts/C", "×", "JIT bytes ts/C", "×", "ns/run tsbpf min/med/max", "ns/run C min/med/max", "× (med)", "note"];
  const rows = result.rows.map((r) => [
    r.example, r.program, r.twin,
    `${fmt(r.tsbpf.insns)} / ${fmt(r.ref.insns)}`, ratio(r.tsbpf.insns, r.ref.insns),
    `${fmt(r.tsbpf.verified)} / ${fmt(r.ref.verified)}`, ratio(r.tsbpf.verified, r.ref.verified),
    `${fmt(r.tsbpf.jit)} / ${fmt(r.ref.jit)}`, ratio(r.tsbpf.jit, r.ref.jit),
    nsCell(r.tsbpf.ns), nsCell(r.ref.ns), ratio(r.tsbpf.ns?.med, r.ref.ns?.med), r.note,
  ]);
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [
    `Measured ${result.date} with ${result.clang} (-O2 -g -target bpf) on ${result.machine}, Linux ${result.kernel}, load average (1/5/15 min) ${result.loadBefore ? `${result.loadBefore} at the start, ` : ""}${result.load} at the end; ${result.reps} interleaved repetitions (min / median / max).`,
    "",
    line(head),
    line(head.map(() => "---")),
    ...rows.map(line),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--reps");
  const result = await compare({ reps: i > 0 ? +process.argv[i + 1] : 5, log: (m) => console.error(m) });
  console.log(process.argv.includes("--json") ? JSON.stringify(result, null, 2) : markdown(result));
}
