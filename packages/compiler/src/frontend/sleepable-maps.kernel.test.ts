// TSBPF4013 against the kernel's verdict: each map kind is used by a program compiled for a hook
// that does not sleep (so that the compiler writes the object), whose section is then renamed
// "syscall" (the runtime loads it with BPF_F_SLEEPABLE, as libbpf does). The verifier checks the
// maps a program refers to before any instruction, so the hook's helpers do not matter: what it
// says is the map rule alone. The same source as a @syscall program gets the compiler's verdict.
import { describe, expect, it } from "vitest";
import type { ObjectSpec } from "@tsbpf/object";
import { Codes } from "../diagnostics/codes.js";
import { describeKernel } from "../testing/kernel.js";
import { compileText } from "../testing/probes.js";
import { LATER_SLEEPABLE, NEVER_SLEEPABLE } from "./sleepable-maps.js";

const HEAD = 'import { Probe, syscall, rawTracepoint, PerfEventArray, LpmTrie, BloomFilter, StackTrace, Queue, Stack, ProgArray, HashMap, ArrayMap, RingBuf, UserRingBuf, DevMapHash, CgroupArray, ArrayOfMaps, CgroupStorage, type u32, type u64, type i32 } from "tsbpf";\n' +
  "interface Io { x: u32; y: u32 }\ninterface Key { prefixLen: u32; data: u32 }\n";

/** Per DSL class: the field, and a use of it that does not write the context (a raw tracepoint's is read-only). */
const CASES: Record<string, [field: string, use: string]> = {
  PerfEventArray: ["m = new PerfEventArray<Io>();", "this.m.perfOutput(ctx, { x: 1, y: 2 });"],
  LpmTrie: ["m = new LpmTrie<Key, u64>({ maxEntries: 4 });", "const v = this.m.lookup({ prefixLen: 32, data: 1 }); if (v) return 1;"],
  BloomFilter: ["m = new BloomFilter<u32>({ maxEntries: 4 });", "if (this.m.has(ctx.x)) return 1;"],
  StackTrace: ["m = new StackTrace({ maxEntries: 4, depth: 8 });", "if (this.m.getStackId(ctx) > 0) return 1;"],
  Queue: ["m = new Queue<u32>({ maxEntries: 4 });", "this.m.push(ctx.x);"],
  Stack: ["m = new Stack<u32>({ maxEntries: 4 });", "this.m.push(ctx.x);"],
  ProgArray: ["m = new ProgArray({ maxEntries: 4 });", "this.m.tailCall(ctx, 0);"],
  CgroupArray: ["m = new CgroupArray({ maxEntries: 4 });", "if (this.m.currentTaskUnderCgroup(0) === 1n) return 1;"],
  CgroupStorage: ["m = new CgroupStorage<u64>();", "const v = this.m.get(); v.value += 1n;"],
  HashMap: ["m = new HashMap<u32, u64>({ maxEntries: 4 });", "this.m.update(ctx.x, 1n);"],
  ArrayMap: ["m = new ArrayMap<u64>({ maxEntries: 4 });", "const v = this.m.lookup(0); if (v) return 1;"],
  RingBuf: ["m = new RingBuf<Io>({ size: 4096 });", "this.m.output({ x: 1, y: 2 });"],
  DevMapHash: ["m = new DevMapHash({ maxEntries: 4 });", "if (this.m.redirect(ctx.x, 2n) === 4n) return 1;"],
  UserRingBuf: ["m = new UserRingBuf<Io>({ size: 4096 });", "this.m.drain((r) => (r.x > 1 ? 1 : 0));"],
};

/** The same kinds as the inner map of an array of maps: the field and the use, through `at(0)`. */
const INNER = ["LpmTrie", "BloomFilter", "PerfEventArray", "StackTrace", "Queue", "HashMap", "RingBuf"];
function innerCase(dslClass: string): [field: string, use: string] {
  const [field, use] = CASES[dslClass]!;
  const inner = field.slice("m = ".length, -1);
  const type = /^new (\w+(<.*>)?)\(/.exec(inner)![1]!;
  return [`m = new ArrayOfMaps<${type}>({ maxEntries: 2, inner: ${inner} });`, use.replace("this.m.", "this.m.at(0).")];
}

function source(dslClass: string, hook: string, inner = false): string {
  const [field, use] = inner ? innerCase(dslClass) : CASES[dslClass]!;
  return `${HEAD}export class S extends Probe {\n  ${field}\n  ${hook}\n  run(ctx: Io): i32 {\n    ${use}\n    return 0;\n  }\n}\n`;
}

function compiled(text: string): ObjectSpec {
  const result = compileText(text);
  if (!result.probes[0]) throw new Error(result.diagnostics.map((d) => `TSBPF${d.code}: ${d.message}`).join("\n"));
  return result.probes[0].spec;
}

/** The kernel's verdict on the case's map in a sleepable program: undefined when it loads, else the verifier's message. */
async function kernelVerdict(dslClass: string, inner = false): Promise<string | undefined> {
  const spec = compiled(source(dslClass, '@rawTracepoint("sys_enter")', inner));
  spec.programs[0]!.section = "syscall";
  const { loadObject } = await import("@tsbpf/runtime");
  try {
    await using _object = await loadObject(spec);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("TSBPF4013: the compiler's verdict on a @syscall program", () => {
  for (const dslClass of Object.keys(CASES)) {
    it(dslClass, () => {
      const text = source(dslClass, "@syscall");
      const result = compileText(text);
      const column = text.split("\n")[7]!.indexOf("this.m") + 1;
      const found = result.diagnostics.filter((d) => d.code === Codes.SleepableMap).map((d) => [d.category, d.line, d.column]);
      if (NEVER_SLEEPABLE.has(dslClass)) expect(found).toEqual([["error", 8, column]]);
      else if (LATER_SLEEPABLE[dslClass]) expect(found).toEqual([["warning", 8, column]]);
      else expect(result.diagnostics).toEqual([]);
    }, 60_000);
  }
});

describeKernel("TSBPF4013 against the kernel's verdict on a sleepable program", () => {
  for (const dslClass of Object.keys(CASES)) {
    it(dslClass, async () => {
      const verdict = await kernelVerdict(dslClass);
      if (NEVER_SLEEPABLE.has(dslClass)) expect(verdict).toMatch(/Sleepable programs can only use/);
      else if (LATER_SLEEPABLE[dslClass]) {
        // Refused before some kernel version, loaded after: either is this rule's truth, the message says which kernels refuse.
        console.log(`tsbpf: a sleepable program using a ${dslClass} ${verdict === undefined ? "loads" : "is refused"} on this kernel`);
        if (verdict !== undefined) expect(verdict).toMatch(/Sleepable programs can only use/);
      } else expect(verdict).toBeUndefined();
    }, 60_000);
  }
});

describe("TSBPF4013 on an inner map: the compiler's verdict on a @syscall program", () => {
  for (const dslClass of INNER) {
    it(`ArrayOfMaps<${dslClass}>`, () => {
      const text = source(dslClass, "@syscall", true);
      const result = compileText(text);
      const column = text.split("\n")[7]!.indexOf("this.m") + 1;
      const found = result.diagnostics.filter((d) => d.code === Codes.SleepableMap).map((d) => [d.category, d.line, d.column]);
      if (NEVER_SLEEPABLE.has(dslClass)) expect(found).toEqual([["error", 8, column]]);
      else if (LATER_SLEEPABLE[dslClass]) expect(found).toEqual([["warning", 8, column]]);
      else expect(result.diagnostics).toEqual([]);
      if (found.length) expect(result.diagnostics[0]!.message).toContain(`a ${dslClass} as the inner map of 'm'`);
    }, 60_000);
  }
});

describeKernel("TSBPF4013 on an inner map against the kernel's verdict", () => {
  for (const dslClass of INNER) {
    it(`ArrayOfMaps<${dslClass}>`, async () => {
      const verdict = await kernelVerdict(dslClass, true);
      if (NEVER_SLEEPABLE.has(dslClass)) expect(verdict).toMatch(/Sleepable programs can only use .*also as inner maps/);
      else if (LATER_SLEEPABLE[dslClass]) {
        console.log(`tsbpf: a sleepable program using a ${dslClass} as an inner map ${verdict === undefined ? "loads" : "is refused"} on this kernel`);
        if (verdict !== undefined) expect(verdict).toMatch(/Sleepable programs can only use/);
      } else expect(verdict).toBeUndefined();
    }, 60_000);
  }
});
