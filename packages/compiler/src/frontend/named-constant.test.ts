// Names of constants where the frontend needs a number before lowering, as C writes #defines:
// map options (`maxEntries: MAX_ENTRIES`, arithmetic on names, enum members) and fixed array
// lengths (`CharArray<typeof MAX_LINE_SIZE>`), checked in the object the compiler writes (the
// map's max_entries, the struct's BTF size); a name that is not a constant is refused with a hint.
// The eunomia examples use them in the kernel (test/sigsnoop.test.ts, test/bashreadline.test.ts).
import { describe, expect, it } from "vitest";
import { compiledProbe, compileText, probeSource } from "../testing/probes.js";

const preamble = `
const MAX_ENTRIES = 1000;
const TWICE = MAX_ENTRIES * 2;
const enum Limits { Small = 64, Large = Small * 4 }
const MAX_LINE_SIZE = 80;
interface Line { pid: u32; text: CharArray<typeof MAX_LINE_SIZE> }`;

describe("named constants in map options and array lengths", () => {
  it("reads maxEntries from a const, arithmetic on consts and an enum member", () => {
    const probe = compiledProbe(probeSource("    return 0;", {
      preamble,
      fields: [
        "  a = new HashMap<u32, u64>({ maxEntries: MAX_ENTRIES });",
        "  b = new HashMap<u32, u64>({ maxEntries: TWICE + 1 });",
        "  c = new HashMap<u32, Line>({ maxEntries: Limits.Large });",
      ].join("\n"),
    }));
    const entries = Object.fromEntries(probe.spec.maps.map((m) => [m.name, m.maxEntries]));
    expect(entries).toMatchObject({ a: 1000, b: 2001, c: 256 });
  });

  it("sizes a CharArray<typeof CONST> from the const", () => {
    const probe = compiledProbe(probeSource("    const s: CharArray<typeof MAX_LINE_SIZE> = \"\";\n    bpf.getCurrentComm(s);\n    return s[0] === \"a\" ? 1 : 0;", {
      preamble,
      fields: "  lines = new HashMap<u32, Line>({ maxEntries: 4 });",
    }));
    const line = probe.spec.btf.types.find((t) => t.kind === "struct" && t.name === "Line");
    expect(line && "size" in line ? line.size : undefined).toBe(4 + 80);
  });

  it("refuses a name that is not a constant, saying what to write", () => {
    const result = compileText(probeSource("    return 0;", {
      preamble: "let entries = 10;",
      fields: "  a = new HashMap<u32, u64>({ maxEntries: entries });",
    }));
    const error = result.diagnostics.find((d) => d.code === 3008);
    expect(error?.message).toContain("must be a constant integer expression");
    expect(error?.hint).toContain("const");
  });
});
