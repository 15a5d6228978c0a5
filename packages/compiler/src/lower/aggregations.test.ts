// Aggregation fields and calls refused at compile time with a diagnostic at the TypeScript
// location (bad linear histogram bounds, unknown options, a call with the wrong arguments), and
// the lowering's promise: the hot path has no atomic instruction (the maps are per-CPU).
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { compileText, compiledProbe, probeSource } from "../testing/probes.js";

const IMPORTS = 'import { CountMap, SumMap, Log2Histogram, LinearHistogram, StatsMap } from "tsbpf";';

function errors(fields: string, body = "    return 0;"): { code: number; message: string; at: string }[] {
  const text = probeSource(body, { preamble: IMPORTS, fields });
  return compileText(text).diagnostics
    .filter((d) => d.category === "error")
    .map((d) => ({ code: d.code, message: d.message, at: text.split("\n")[d.line - 1]!.slice(d.column - 1).slice(0, 12) }));
}

describe("aggregation diagnostics", () => {
  it("refuses a linear histogram whose span is not a multiple of its step, at the step", () => {
    expect(errors("  h = new LinearHistogram({ min: 0, max: 100, step: 30 });")).toEqual([
      { code: Codes.MapOptions, message: "max - min (100) must be a multiple of the step (30)", at: "30 });" },
    ]);
  });

  it("refuses a linear histogram without its bounds, or max not above min", () => {
    expect(errors("  h = new LinearHistogram({ min: 0, step: 10 } as never);")[0]).toMatchObject({ code: Codes.MapOptions });
    expect(errors("  h = new LinearHistogram({ min: 10, max: 10, step: 1 });")[0]).toMatchObject({
      code: Codes.MapOptions, message: "a LinearHistogram's max must be more than its min" });
    expect(errors("  h = new LinearHistogram({ min: 0, max: 100000, step: 1 });")[0]).toMatchObject({ code: Codes.MapOptions });
  });

  it("refuses an option the aggregation does not have, and maxEntries without a key", () => {
    // (tsc reports the excess property too.)
    expect(errors("  c = new CountMap<u32>({ step: 4 });").find((e) => e.code === Codes.MapOptions)).toMatchObject({ message: "'step' is not an option of CountMap", at: "4 });" });
    expect(errors("  c = new CountMap({ maxEntries: 4 });")[0]).toMatchObject({ code: Codes.MapOptions, at: "4 });" });
  });

  it("refuses a call with the wrong arguments (tsc does too) with the map's shape", () => {
    expect(errors("  c = new CountMap();", "    this.c.count(1 as never);\n    return 0;")[0]).toMatchObject({
      code: Codes.MapMethod, message: "c.count() takes no arguments" });
  });

  it("lowers every aggregation without an atomic instruction", () => {
    const probe = compiledProbe(probeSource(`    const fd = u32(ctx.args[0]);
    this.c.count(fd); this.s.record(fd, ctx.args[2]); this.h.record(fd, ctx.args[2]); this.l.record(ctx.args[2]); this.t.record(fd, ctx.args[2]);
    return 0;`, { preamble: IMPORTS, fields: `  c = new CountMap<u32>();
  s = new SumMap<u32>();
  h = new Log2Histogram<u32>();
  l = new LinearHistogram({ min: 0, max: 100, step: 10 });
  t = new StatsMap<u32>();` }));
    const program = probe.spec.programs[0]!;
    const BPF_ATOMIC = 0xc0;
    expect(program.instructions.filter((insn) => (insn.code & 0xe0) === BPF_ATOMIC && (insn.code & 0x07) === 0x03)).toEqual([]);
    expect(probe.spec.maps.map((m) => [m.name, m.type])).toEqual([["c", 5], ["s", 5], ["h", 5], ["l", 6], ["t", 5]]);
  });
});
