// Everything outside the subset is a TSBPF diagnostic at the construct's line and column, with a
// code frame and a hint: never a crash, never an object.
import { describe, expect, it } from "vitest";
import { compileText, IMPORTS } from "../testing/probes.js";
import { Codes } from "./codes.js";
import { formatDiagnostic } from "./format.js";

interface Case {
  /** A statement in the program's body. */
  line: string;
  /** The text the diagnostic must start at. */
  at: string;
  code: number;
}

const cases: Case[] = [
  { line: "const f = () => pid + 1;", at: "() => pid + 1", code: Codes.Closure },
  { line: "const g = function () { return 1; };", at: "function ()", code: Codes.FunctionExpression },
  { line: "const ratio = 1.5;", at: "1.5", code: Codes.Float },
  { line: "const twice = helperInJs(pid);", at: "helperInJs(pid)", code: Codes.SubprogramArguments },
  { line: "const m = Math.max(1, 2);", at: "Math.max(1, 2)", code: Codes.CallToNonDsl },
  { line: "console.log(pid);", at: "console.log(pid)", code: Codes.CallToNonDsl },
  { line: "for (let i = 0; i < 100000; i++) { bpf.ktimeGetNs(); }", at: "for (", code: Codes.LoopTooLong },
  { line: "while (pid > 5) { bpf.ktimeGetNs(); }", at: "while", code: Codes.UnboundedLoop },
  { line: "try { bpf.ktimeGetNs(); } catch { bpf.ktimeGetNs(); }", at: "try", code: Codes.Exception },
  { line: "if (pid === 7) { throw new Error(\"no\"); }", at: "throw", code: Codes.Exception },
  { line: "const list = [1, 2, 3];", at: "[1, 2, 3]", code: Codes.ArrayLiteral },
  { line: "const when = new Date();", at: "new Date()", code: Codes.NewOfNonMap },
  { line: "const text = `pid ${pid}`;", at: "`pid ${pid}`", code: Codes.TemplateLiteral },
  { line: "const name = \"abc\";", at: "\"abc\"", code: Codes.StringOutsideDsl },
  { line: "const loose: any = 1;", at: "any", code: Codes.Any },
  { line: "switch (pid) { case pid: break; }", at: "pid: break", code: Codes.CaseNotConstant },
  { line: "var old = 1;", at: "var old = 1", code: Codes.Var },
  { line: "let plain: number = 1;", at: "number", code: Codes.NoIntegerKind },
  { line: "const small: u8 = 300;", at: "300", code: Codes.LiteralOutOfRange },
  { line: "const back: u32 = -1;", at: "-1", code: Codes.LiteralOutOfRange },
  { line: "this.other(ctx);", at: "this.other(ctx)", code: Codes.Subprogram },
  { line: "const kind = typeof pid;", at: "typeof pid", code: Codes.UnsupportedOperator },
  { line: "const v = this.counts.lookup(pid)?.value;", at: "this.counts.lookup(pid)?.value", code: Codes.OptionalChaining },
  { line: "const { calls } = this.stats;", at: "{ calls }", code: Codes.Destructuring },
  { line: "bpf.printk(\"%d %d\", pid);", at: "bpf.printk(\"%d %d\", pid)", code: Codes.PrintkArguments },
  { line: "bpf.printk(\"%q\", pid);", at: "\"%q\"", code: Codes.PrintkFormat },
  { line: "const Local = class {};", at: "class {}", code: Codes.ClassExpression },
  { line: "function inner() { return 1; }", at: "function inner()", code: Codes.NestedFunction },
  { line: "this.limit = 5;", at: "this.limit", code: Codes.ReadOnly },
  { line: "const both = pid > 1 || 5;", at: "pid > 1 || 5", code: Codes.LogicalValueNotBool },
  { line: "ctx.args[pid] = 0n;", at: "ctx.args[pid] = 0n", code: Codes.ReadOnly },
  { line: "const far = ctx.args[6];", at: "6];", code: Codes.IndexOutOfRange },
];

function source(): { text: string; lines: string[] } {
  const lines = [
    IMPORTS,
    "function helperInJs(x: number): number { return x * 2; }",
    "export class Bad extends Probe {",
    "  @config limit: u32 = 10;",
    "  counts = new HashMap<u32, u64>({ maxEntries: 8 });",
    "  stats = new HashMap<u32, u64>({ maxEntries: 8 });",
    '  @tracepoint("syscalls", "sys_enter_read")',
    "  other(ctx: SysEnterContext): i32 { return 1; }",
    '  @tracepoint("syscalls", "sys_enter_write")',
    "  run(ctx: SysEnterContext): i32 {",
    "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);",
    ...cases.map((c) => `    ${c.line}`),
    "    return 0;",
    "  }",
    "}",
  ];
  return { text: lines.join("\n"), lines };
}

describe("diagnostics for constructs outside the subset", () => {
  const { text, lines } = source();
  const result = compileText(text);
  const ours = result.diagnostics.filter((d) => d.source !== "tsc");

  it("writes no object", () => {
    expect(result.probes).toEqual([]);
  });

  for (const c of cases) {
    it(`reports '${c.line}' as TSBPF${c.code} at its position`, () => {
      const lineIndex = lines.findIndex((l) => l === `    ${c.line}`);
      const column = lines[lineIndex]!.indexOf(c.at) + 1;
      const found = ours.filter((d) => d.line === lineIndex + 1);
      expect(found.map((d) => ({ code: d.code, line: d.line, column: d.column }))).toEqual([{ code: c.code, line: lineIndex + 1, column }]);
      expect(found[0]!.message.length).toBeGreaterThan(10);
    });
  }

  it("reports nothing else", () => {
    expect(ours).toHaveLength(cases.length);
  });
});

describe("probe structure diagnostics", () => {
  it("rejects async programs, bad decorators, non-map `new` and unsized fields", () => {
    const text = [
      IMPORTS,
      "class Plain {}",
      "export class Bad extends Probe {",
      "  helper = new Plain();",
      "  count = 0;",
      '  @tracepoint("syscalls")',
      "  one(ctx: SysEnterContext): i32 { return 0; }",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  async two(ctx: SysEnterContext): Promise<i32> { return 0; }",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  three(ctx: SysEnterContext, extra: u32): i32 { return 0; }",
      "  ring = new RingBuf<u32>({ size: 1000 });",
      "}",
    ].join("\n");
    const result = compileText(text);
    const ours = result.diagnostics.filter((d) => d.source !== "tsc").map((d) => [d.code, d.line]);
    expect(ours).toEqual([
      [Codes.NewOfNonMap, 4],
      [Codes.NoIntegerKind, 5],
      [Codes.DecoratorArguments, 6],
      [Codes.Async, 9],
      [Codes.ProgramSignature, 11],
      [Codes.RingBufSize, 12],
    ]);
    expect(result.probes).toEqual([]);
  });

  it("names the locals that overflow the 512-byte stack", () => {
    const text = [
      IMPORTS,
      "interface Big { a: CharArray<200>; b: CharArray<200> }",
      "export class Deep extends Probe {",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  run(ctx: SysEnterContext): i32 {",
      '    const one: Big = { a: "", b: "" };',
      '    const two: Big = { a: "x", b: "" };',
      "    bpf.getCurrentComm(one.a);",
      "    bpf.getCurrentComm(two.b);",
      "    return 0;",
      "  }",
      "}",
    ].join("\n");
    const result = compileText(text);
    const overflow = result.diagnostics.find((d) => d.code === Codes.StackOverflow);
    expect(overflow).toBeDefined();
    expect(overflow!.line).toBe(5);
    expect(overflow!.message).toContain("800 bytes");
    expect(overflow!.hint).toContain("one (Big, 400 bytes)");
    expect(overflow!.hint).toContain("two (Big, 400 bytes)");
  });
});

describe("warnings", () => {
  it("warns when a negative constant is compared as an unsigned value", () => {
    const text = [
      IMPORTS,
      "export class Cmp extends Probe {",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  run(ctx: SysEnterContext): i32 {",
      "    const fd = u32(ctx.args[0]);",
      "    if (fd > -1) return 1;",
      "    return 0;",
      "  }",
      "}",
    ].join("\n");
    const result = compileText(text);
    expect(result.diagnostics.map((d) => [d.category, d.code, d.line, d.column])).toEqual([["warning", Codes.SignedUnsignedComparison, 6, 9]]);
    expect(result.diagnostics[0]!.message).toContain("4294967295");
    // A warning does not stop compilation.
    expect(result.probes).toHaveLength(1);
  });
});

describe("tsc's own diagnostics", () => {
  it("are reported with tsc's codes, and stop compilation", () => {
    const text = [
      IMPORTS,
      "export class Narrow extends Probe {",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  run(ctx: SysEnterContext): i32 {",
      "    const wide: u64 = bpf.ktimeGetNs();",
      "    const narrow: u32 = wide;",
      "    return 0;",
      "  }",
      "}",
    ].join("\n");
    const result = compileText(text);
    expect(result.probes).toEqual([]);
    const tsc = result.diagnostics.find((d) => d.source === "tsc");
    expect(tsc).toMatchObject({ code: 2322, category: "error", line: 6, column: 11 });
    expect(formatDiagnostic(tsc!)).toContain("error TS2322:");
  });
});

describe("formatDiagnostic", () => {
  it("prints tsc's layout: position, code, message, code frame, hint", () => {
    const text = "const x = 1;\nconst ratio = 1.5;\n";
    const out = formatDiagnostic(
      { code: 2001, category: "error", message: "'1.5' is not an integer", file: "probe.bpf.ts", line: 2, column: 15, length: 3, hint: "use integers" },
      text,
    );
    expect(out).toBe([
      "probe.bpf.ts:2:15 - error TSBPF2001: '1.5' is not an integer",
      "",
      "2 const ratio = 1.5;",
      "                ^~~",
      "",
      "hint: use integers",
    ].join("\n"));
  });
});
