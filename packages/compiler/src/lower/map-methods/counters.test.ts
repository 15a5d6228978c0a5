// PerfCounterArray's methods and perfOutput's { packetBytes } flags: what they compile to, and
// the diagnostics for arguments the helpers cannot take (docs/hooks-and-maps.md, "Counters read by
// programs" and "Events"). Their kernel runs: test/bcc-perf-read.test.ts, test/bcc-perf-submit-skb.test.ts.
import { describe, expect, it } from "vitest";
import { COUNTERS_TAG, isCounterArray } from "@tsbpf/object";
import { Codes } from "../../diagnostics/codes.js";
import { compiledProbe, compileText, probeSource } from "../../testing/probes.js";

const FIELDS = "  counters = new PerfCounterArray();\n  events = new PerfEventArray<u32>();\n  v: u64 = 0n;";
const IMPORT_MORE = 'import { PerfCounterArray, PerfEventArray, type PerfEventValue } from "tsbpf";';

function source(body: string, preamble = ""): string {
  return probeSource(body, { fields: FIELDS, preamble: `${IMPORT_MORE}\n${preamble}` });
}

/** tsbpf's own errors (tsc reports the wrong argument type too, with its own code). */
function errors(body: string, preamble = ""): { code: number; message: string }[] {
  return compileText(source(body, preamble)).diagnostics.filter((d) => d.category === "error" && d.code === Codes.MapMethod).map((d) => ({ code: d.code, message: d.message }));
}

/** The helper ids the program calls, in order. */
function helperCalls(body: string): number[] {
  const probe = compiledProbe(source(body));
  return probe.spec.programs[0]!.instructions.filter((i) => i.code === 0x85 && i.src === 0).map((i) => i.imm);
}

describe("PerfCounterArray", () => {
  it("perfRead and perfReadValue call bpf_perf_event_read (22) and bpf_perf_event_read_value (55)", () => {
    const body = "    const value: PerfEventValue = { counter: 0n, enabled: 0n, running: 0n };\n" +
      "    this.v = this.counters.perfRead();\n    this.counters.perfReadValue(value, 1n);\n    return 0;";
    expect(helperCalls(body)).toEqual([22, 55]);
  });

  it("bpf.perfEventRead(this.counters, flags), the helper with the map field, is the same call", () => {
    expect(helperCalls("    this.v = bpf.perfEventRead(this.counters, 0xffffffffn);\n    return 0;")).toEqual([22]);
  });

  it("tags the map as counters (the runtime opens no rings there), and not the event array", () => {
    const probe = compiledProbe(source("    return 0;"));
    const btf = probe.spec.btf;
    expect(btf.types.some((t) => t.kind === "decl_tag" && t.name === COUNTERS_TAG)).toBe(true);
    expect(isCounterArray(btf, "counters")).toBe(true);
    expect(isCounterArray(btf, "events")).toBe(false);
  });

  it("perfReadValue of anything but a 24-byte struct is TSBPF-coded, at the argument", () => {
    const wrong = errors("    const n: u64 = 0n;\n    this.counters.perfReadValue(n);\n    return 0;");
    expect(wrong).toEqual([{ code: Codes.MapMethod, message: expect.stringMatching(/counters\.perfReadValue\(\) fills a PerfEventValue/) }]);
    const small = errors("    const s: Small = { a: 0n };\n    this.counters.perfReadValue(s);\n    return 0;", "interface Small { a: u64 }");
    expect(small).toEqual([{ code: Codes.MapMethod, message: expect.stringMatching(/not 'Small'/) }]);
  });
});

describe("perfOutput(ctx, value, { packetBytes })", () => {
  it("sets BPF_F_CTXLEN_MASK from the count, beside BPF_F_CURRENT_CPU", () => {
    const flags = (body: string) => compiledProbe(source(`    const m: u32 = 7;\n${body}\n    return 0;`)).spec.programs[0]!.instructions;
    // A constant count folds: r3 = 16 << 32 | 0xffffffff (ld_imm64, low word then high word).
    const constant = flags("    this.events.perfOutput(ctx, m, { packetBytes: 16 });");
    expect(constant.some((i, k) => i.code === 0x18 && i.dst === 3 && i.imm === -1 && constant[k + 1]!.imm === 16)).toBe(true);
    // A count known at run time: shifted by 32 and or-ed with 0xffffffff.
    const variable = flags("    this.events.perfOutput(ctx, m, { packetBytes: u32(ctx.args[2]) });");
    expect(variable.some((i) => i.code === 0x67 && i.imm === 32)).toBe(true); // r <<= 32
    expect(variable.some((i, k) => i.code === 0x18 && i.imm === -1 && variable[k + 1]!.imm === 0)).toBe(true); // r = 0xffffffff ll
    expect(variable.some((i) => i.code === 0x4f)).toBe(true); // r |= r
    expect(variable.filter((i) => i.code === 0x85).map((i) => i.imm)).toContain(25);
  });

  it("another object is a TSBPF-coded error naming both forms", () => {
    const found = errors("    const m: u32 = 7;\n    this.events.perfOutput(ctx, m, { bytes: 16 });\n    return 0;");
    expect(found).toEqual([{ code: Codes.MapMethod, message: expect.stringMatching(/takes flags \(a u64\) or \{ packetBytes: n \}/) }]);
  });
});
