// The flow-graph reading behind large methods (frontend/flow-depth.ts, narrowing-free.ts): the depth
// is tsc's own (a method just under its limit gets no TS2563 and no warning, one just past it
// would), and in long methods cutting the walks whose answer is the declared type changes nothing
// tsc reports: a `let` without initializer still gets "used before being assigned", a lookup's
// `V | undefined` is still narrowed by `if (v)`.
import { describe, expect, it } from "vitest";
import { loadSource } from "./project.js";
import { largeFunctions, LONG_FUNCTION_REFERENCES } from "./narrowing-free.js";
import { TSC_FLOW_DEPTH_LIMIT } from "./flow-depth.js";
import { compileText, fixturePath, IMPORTS } from "../testing/probes.js";

function method(lines: string[]): string {
  return [IMPORTS, "export class T extends Probe {", "  counts = new HashMap<u32, u64>({ maxEntries: 4 });", '  @tracepoint("syscalls", "sys_enter_write")',
    "  run(ctx: SysEnterContext): i32 {", "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);", ...lines.map((l) => `    ${l}`), "    return 0;", "  }", "}", ""].join("\n");
}

/** tsc's own verdict on the text, with nothing cut: whether it reports TS2563. */
function tscGivesUp(text: string, name: string): boolean {
  const loaded = loadSource(fixturePath(name), text);
  return loaded.program.getSemanticDiagnostics(loaded.sourceFile).some((d) => d.code === 2563);
}

describe("tsc's flow depth, read from its graph", () => {
  for (const [shape, perIf] of [["if (pid === K) return 1;", 1], ["if (pid === K) ctx.args[0] = 1n;", 2]] as const) {
    it(`${shape}: the computed depth decides as tsc does around the limit`, () => {
      const under = Math.floor((TSC_FLOW_DEPTH_LIMIT - 100) / perIf);
      const past = Math.ceil((TSC_FLOW_DEPTH_LIMIT + 100) / perIf);
      for (const [n, deep] of [[under, false], [past, true]] as const) {
        const text = method([...Array.from({ length: n }, (_, i) => shape.replace("K", String(i))), "if (pid === 7) return 2;"]);
        const name = `depth-${perIf}-${n}.bpf.ts`;
        expect(tscGivesUp(text, name), `tsc on ${n}`).toBe(deep);
        const loaded = loadSource(fixturePath(name), text);
        expect(largeFunctions(loaded.sourceFile).deep.length, `computed on ${n}`).toBe(deep ? 1 : 0);
      }
    }, 120_000);
  }
});

describe("long methods: the same diagnostics without the walks", () => {
  const filler = Array.from({ length: LONG_FUNCTION_REFERENCES }, (_, i) => `acc = acc ^ (pid + ${i % 7});`);
  it("a let without initializer is still used before being assigned", () => {
    const result = compileText(method(["let acc: u32 = 0;", ...filler, "let late: u32;", "acc = acc + late;"]));
    expect(result.diagnostics.map((d) => d.code)).toContain(2454);
  }, 60_000);

  it("a lookup's V | undefined is still narrowed, and compiles", () => {
    const result = compileText(method(["let acc: u32 = 0;", "const seen = this.counts.lookup(pid);", ...filler, "if (seen) acc = acc + u32(seen.value);", "if (acc === 3) return 1;"]));
    expect(result.diagnostics).toEqual([]);
    expect(result.probes.length).toBe(1);
  }, 60_000);

  it("without narrowing, the same use is tsc's error (the test above can fail)", () => {
    const result = compileText(method(["let acc: u32 = 0;", "const seen = this.counts.lookup(pid);", ...filler, "acc = acc + u32(seen.value);"]));
    expect(result.diagnostics.map((d) => d.code)).toContain(18047);
  }, 60_000);
});
