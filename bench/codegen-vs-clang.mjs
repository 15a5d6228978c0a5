#!/usr/bin/env node
// Code quality against clang: every example in examples/ beside its C twin in bench/c-twins/,
// compiled with `clang -O2 -g -target bpf`. For each program (matched by ELF section) it prints the
// instruction count as emitted (slots; ld_imm64 counts 2) and as the verifier processed it
// (verified_insns from BPF_OBJ_GET_INFO_BY_FD, kernel 5.16), and the ratio tsbpf / clang.
//   npm run build && node bench/codegen-vs-clang.mjs [--json]
// Needs root (to load the programs) and clang; the two loads happen one after the other.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../packages/compiler/dist/index.js";
import { readElf } from "../packages/object/dist/index.js";
import { loadObject } from "../packages/runtime/dist/index.js";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const twins = join(root, "bench", "c-twins");
const json = process.argv.includes("--json");
const multiarch = (() => {
  try {
    return execFileSync("gcc", ["-print-multiarch"], { encoding: "utf8" }).trim() || "x86_64-linux-gnu";
  } catch {
    return "x86_64-linux-gnu";
  }
})();

function clangObject(source) {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-bench-"));
  try {
    const out = join(dir, "twin.o");
    execFileSync("clang", ["-O2", "-g", "-target", "bpf", `-I/usr/include/${multiarch}`, "-c", source, "-o", out], { stdio: "pipe" });
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per section: emitted slots, and verified instructions once loaded. */
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
    for (const row of rows.values()) row.error = error.message.split("\n")[0];
  } finally {
    object?.close();
  }
  return rows;
}

const table = [];
for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".bpf.ts")).sort()) {
  const example = basename(file, ".bpf.ts");
  const twin = join(twins, `${example}.bpf.c`);
  const compiled = compileFile(join(root, "examples", file), { sourceRoot: root });
  const probe = compiled.probes[0];
  if (!probe) {
    table.push({ example, program: "-", note: `tsbpf: ${compiled.diagnostics.map((d) => d.message).join("; ")}` });
    continue;
  }
  const ours = await measure(probe.spec);
  if (!existsSync(twin)) {
    for (const [section, row] of ours) table.push({ example, program: row.name, section, tsbpfEmitted: row.emitted, tsbpfVerified: row.verified, note: "no C twin" });
    continue;
  }
  const theirs = await measure(readElf(clangObject(twin)));
  for (const [section, row] of ours) {
    const c = theirs.get(section);
    table.push({
      example,
      program: row.name,
      section,
      tsbpfEmitted: row.emitted,
      clangEmitted: c?.emitted,
      emittedRatio: c ? +(row.emitted / c.emitted).toFixed(2) : undefined,
      tsbpfVerified: row.verified,
      clangVerified: c?.verified,
      verifiedRatio: c?.verified && row.verified ? +(row.verified / c.verified).toFixed(2) : undefined,
      note: row.error ?? c?.error ?? (c ? "" : "no twin program"),
    });
  }
}

if (json) {
  console.log(JSON.stringify(table, null, 2));
} else {
  const head = ["example", "program", "tsbpf insns", "clang insns", "ratio", "tsbpf verified", "clang verified", "ratio", "note"];
  const rows = table.map((r) => [r.example, r.program, r.tsbpfEmitted, r.clangEmitted, r.emittedRatio, r.tsbpfVerified, r.clangVerified, r.verifiedRatio, r.note ?? ""].map((v) => (v === undefined ? "-" : String(v))));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}
