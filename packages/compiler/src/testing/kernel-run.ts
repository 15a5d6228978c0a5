/**
 * Runs a program body in the kernel with chosen inputs and returns what it wrote. The body sees
 * the inputs as u64 locals `A`, `B`, `C` (read from a hash map) and reports results with
 * `out(key, value)` (a u64 stored into the `out` hash map). It runs at sys_enter_write, filtered
 * to this process, once per input set.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { BpfObject, HashMapHandle } from "@tsbpf/runtime";
import { formatDiagnostic } from "../diagnostics/format.js";
import { compileText, IMPORTS } from "./probes.js";

/** Results are read back from keys 0 to 63. */
const OUT_KEYS = 64;

export interface KernelCase {
  /** Statements of the program's body. */
  body: string;
  /** Interfaces, constants, functions before the class. */
  preamble?: string;
  /** Extra class members (maps, fields, methods). */
  members?: string;
  /** The bytes the triggering write(2) passes (ctx.args[1] points to them); default "x". */
  payload?: Uint8Array;
}

export function kernelProbeSource(c: KernelCase): string {
  const out = c.body.replace(/\bout\(/g, "this.out.update(");
  return [
    IMPORTS,
    c.preamble ?? "",
    "export class K extends Probe {",
    "  @config targetPid: u32 = 0;",
    "  inputs = new HashMap<u32, u64>({ maxEntries: 4 });",
    "  out = new HashMap<u32, u64>({ maxEntries: 256 });",
    c.members ?? "",
    '  @tracepoint("syscalls", "sys_enter_write")',
    "  run(ctx: SysEnterContext): i32 {",
    "    if (u32(bpf.getCurrentPidTgid() >> 32n) !== this.targetPid) return 0;",
    "    const pa = this.inputs.lookup(0);",
    "    const pb = this.inputs.lookup(1);",
    "    const pc = this.inputs.lookup(2);",
    "    if (!pa || !pb || !pc) return 0;",
    "    const A: u64 = pa.value;",
    "    const B: u64 = pb.value;",
    "    const C: u64 = pc.value;",
    out,
    "    return 0;",
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Compiles the case (throwing the rendered diagnostics if any), loads it and runs each input set. */
export async function runKernelCase(c: KernelCase, inputs: bigint[][]): Promise<Map<number, bigint>[]> {
  const text = kernelProbeSource(c);
  const result = compileText(text);
  const errors = result.diagnostics.filter((d) => d.category === "error");
  if (errors.length > 0 || !result.probes[0]) throw new Error(errors.map((d) => formatDiagnostic(d, text)).join("\n\n"));
  const runtime = await import("@tsbpf/runtime");
  const object: BpfObject = await runtime.loadObject(result.probes[0].spec, { config: { targetPid: process.pid } });
  try {
    object.attach();
    const inputMap = object.map("inputs") as HashMapHandle<number, bigint>;
    const out = object.map("out") as HashMapHandle<number, bigint>;
    const results: Map<number, bigint>[] = [];
    for (const set of inputs) {
      for (let k = 0; k < OUT_KEYS; k++) out.delete(k);
      [0, 1, 2].forEach((i) => inputMap.set(i, set[i] ?? 0n));
      const fd = openSync("/dev/null", "w");
      try {
        writeSync(fd, c.payload ?? Buffer.from("x"));
      } finally {
        closeSync(fd);
      }
      const got = new Map<number, bigint>();
      for (let k = 0; k < OUT_KEYS; k++) {
        const v = out.get(k);
        if (v !== undefined) got.set(k, v);
      }
      results.push(got);
    }
    return results;
  } finally {
    object.close();
  }
}
