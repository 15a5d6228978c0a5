// Code quality against clang: every probe class of every example in examples/ beside its C twin in
// bench/c-twins/ (`<example>.<Class>.bpf.c`, else `<example>.bpf.c`), compiled with
// `clang -O2 -g -target bpf`. For each program (matched by ELF section) it measures the instruction
// count as emitted (slots; ld_imm64 counts 2) and as the verifier processed it (verified_insns from
// BPF_OBJ_GET_INFO_BY_FD, kernel 5.16), and the ratios tsbpf / clang. Twins that read kernel structs
// include vmlinux.h, generated here from the running kernel's BTF with bpftool.
// Needs root (to load the programs), clang and bpftool; the loads happen one after the other.
// Used by codegen-vs-clang.mjs (prints the table) and codegen.bench.mjs (`npm run bench`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../packages/compiler/dist/index.js";
import { readElf } from "../packages/object/dist/index.js";
import { loadObject } from "../packages/runtime/dist/index.js";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const twins = join(root, "bench", "c-twins");

function multiarch() {
  try {
    return execFileSync("gcc", ["-print-multiarch"], { encoding: "utf8" }).trim() || "x86_64-linux-gnu";
  } catch {
    return "x86_64-linux-gnu";
  }
}

function clangObject(source, includes) {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-bench-"));
  try {
    const out = join(dir, "twin.o");
    const args = ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", ...includes.map((i) => `-I${i}`), "-c", source, "-o", out];
    execFileSync("clang", args, { stdio: "pipe" });
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per section: emitted slots, and verified instructions once loaded (or why it did not load). */
async function measure(spec) {
  const rows = new Map();
  for (const p of spec.programs) rows.set(p.section, { name: p.name, emitted: p.instructions.length, verified: undefined });
  let object;
  try {
    object = await loadObject(spec);
    for (const [name, program] of object.programs) {
      const row = [...rows.values()].find((r) => r.name === name);
      if (row) row.verified = program.info().verifiedInstructions;
    }
  } catch (error) {
    for (const row of rows.values()) row.error = String(error.message).split("\n")[0];
  } finally {
    object?.close();
  }
  return rows;
}

const ratio = (a, b) => (a !== undefined && b ? +(a / b).toFixed(2) : undefined);

/** Not loadable on this kernel: say why instead of a verifier count. */
function loadNote(section, error) {
  if (!error) return "";
  if (/^(fentry|fexit|fmod_ret|lsm)\//.test(section)) return "emitted only: fentry/fexit refused here (lockdown)";
  if (/^k(ret)?probe\//.test(section)) return "emitted only: no kprobes in this kernel";
  return `not loaded: ${error}`;
}

/** The comparison rows, one per program of every example's probe classes. */
export async function compare() {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-vmlinux-"));
  const table = [];
  try {
    writeFileSync(join(dir, "vmlinux.h"), execFileSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], { maxBuffer: 1 << 28 }));
    const includes = [dir, `/usr/include/${multiarch()}`];
    for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".bpf.ts")).sort()) {
      const example = basename(file, ".bpf.ts");
      const compiled = compileFile(join(root, "examples", file), { sourceRoot: root });
      if (compiled.probes.length === 0) {
        table.push({ example, program: "-", note: `tsbpf: ${compiled.diagnostics.map((d) => d.message).join("; ")}` });
        continue;
      }
      for (const probe of compiled.probes) {
        const label = compiled.probes.length > 1 ? `${example} (${probe.className})` : example;
        const twin = [join(twins, `${example}.${probe.className}.bpf.c`), join(twins, `${example}.bpf.c`)].find(existsSync);
        const ours = await measure(probe.spec);
        const theirs = twin ? await measure(readElf(clangObject(twin, includes))) : new Map();
        for (const [section, row] of ours) {
          const c = theirs.get(section);
          table.push({
            example: label,
            program: row.name,
            section,
            tsbpfEmitted: row.emitted,
            clangEmitted: c?.emitted,
            emittedRatio: ratio(row.emitted, c?.emitted),
            tsbpfVerified: row.verified,
            clangVerified: c?.verified,
            verifiedRatio: ratio(row.verified, c?.verified),
            note: !twin ? "no C twin" : !c ? "no twin program" : loadNote(section, row.error ?? c.error),
          });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return table;
}

/** The table as Markdown. */
export function markdown(table) {
  const head = ["example", "program", "tsbpf insns", "clang insns", "ratio", "tsbpf verified", "clang verified", "ratio", "note"];
  const rows = table.map((r) => [r.example, r.program, r.tsbpfEmitted, r.clangEmitted, r.emittedRatio, r.tsbpfVerified, r.clangVerified, r.verifiedRatio, r.note ?? ""].map((v) => (v === undefined ? "-" : String(v))));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
