// tsbpf's own "used before being assigned" pass against tsc's (TS2454) on methods tsc does check:
// for each case, the variables the pass reports and the first use of each must be the ones tsc
// reports first. Past tsc's flow limit, where tsc says nothing, the golden case
// used-before-assigned-past-flow-limit shows the pass's diagnostic.
import { describe, expect, it } from "vitest";
import { ts } from "ts-morph";
import { loadSource } from "./project.js";
import { usesBeforeAssignment } from "./definite-assignment.js";
import { fixturePath } from "../testing/probes.js";

const HEAD = 'import { Probe, syscall, bpf, type u32, type i32 } from "tsbpf";\ninterface Io { x: u32; y: u32; out: u32 }\nexport class T extends Probe {\n  @syscall\n  run(ctx: Io): i32 {\n    const x: u32 = ctx.x;\n';
const TAIL = "    return 0;\n  }\n}\n";

const CASES: Record<string, string> = {
  "never assigned": "let a: u32;\nctx.out = a;",
  "assigned first": "let a: u32;\na = 1;\nctx.out = a;",
  "one arm of an if": "let a: u32;\nif (x > 1) a = 1;\nctx.out = a;",
  "both arms": "let a: u32;\nif (x > 1) a = 1; else a = 2;\nctx.out = a;",
  "returning arm": "let a: u32;\nif (x > 1) { a = 1; } else { return 1; }\nctx.out = a;",
  "right of &&": "let a: u32;\nif (x > 1 && (a = 2) > 0) ctx.out = a;\nctx.out = a;",
  "left of || when false": "let a: u32;\nif (x > 1 || (a = 2) > 0) { ctx.out = a; } else { ctx.out = a; }",
  "negated &&": "let a: u32;\nif (!(x > 1 && (a = 2) > 0)) { return 1; }\nctx.out = a;",
  "while (true) left by break": "let a: u32;\nwhile (true) { if (x > 1) { a = 1; break; } x; break; }\nctx.out = a;",
  "?: both arms": "let a: u32;\nconst b: u32 = x > 1 ? (a = 1) : (a = 2);\nctx.out = a + b;",
  "while body": "let a: u32;\nlet i: u32 = 0;\nwhile (i < 4) { a = i; i++; }\nctx.out = a;",
  "do body": "let a: u32;\nlet i: u32 = 0;\ndo { a = i; i++; } while (i < 4);\nctx.out = a;",
  "for body, read inside": "let a: u32;\nfor (let i: u32 = 0; i < 4; i++) { ctx.out = a; a = i; }",
  "compound assignment": "let a: u32;\na += 1;",
  "switch without default": "let a: u32;\nswitch (x) { case 1: a = 1; break; case 2: a = 2; break; }\nctx.out = a;",
  "switch with default": "let a: u32;\nswitch (x) { case 1: a = 1; break; default: a = 2; }\nctx.out = a;",
  "switch fall-through": "let a: u32;\nswitch (x) { case 1: a = 1; case 2: ctx.out = a; break; default: a = 3; }",
  "labelled break": "let a: u32;\nouter: for (let i: u32 = 0; i < 4; i++) { if (i === x) break outer; }\nctx.out = a;",
  "shadowed name": "let a: u32;\n{ const a: u32 = 5; ctx.out = a; }\na = 1;\nctx.out = a;",
  "two variables": "let a: u32;\nlet b: u32;\nif (x === 1) b = 1;\na = 2;\nctx.out = a + b;",
  "callback": "let a: u32;\nbpf.loop(4, (i: u32): i32 => { return 0; });\na = 1;\nctx.out = a;",
};

function tscFirstUses(text: string, file: string): string[] {
  const loaded = loadSource(file, text);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(loaded.program, loaded.sourceFile)) {
    if (d.code !== 2454 || d.start === undefined) continue;
    const name = text.slice(d.start, d.start + (d.length ?? 0));
    if (!seen.has(name)) {
      seen.add(name);
      out.push(`${name}@${d.start}`);
    }
  }
  return out.sort();
}

function passFirstUses(text: string, file: string): string[] {
  const loaded = loadSource(file, text);
  let method: ts.MethodDeclaration | undefined;
  const find = (n: ts.Node): void => {
    if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === "run") method = n;
    ts.forEachChild(n, find);
  };
  find(loaded.sourceFile);
  return usesBeforeAssignment(method!, loaded.checker).map((f) => `${f.use.text}@${f.use.getStart()}`).sort();
}

describe("uses before assignment: tsbpf's pass agrees with tsc's TS2454", () => {
  let n = 0;
  for (const [name, body] of Object.entries(CASES)) {
    it(name, () => {
      const text = HEAD + body.split("\n").map((l) => `    ${l}\n`).join("") + TAIL;
      const file = fixturePath(`definite-assignment-${process.pid}-${n++}.bpf.ts`);
      const tsc = tscFirstUses(text, file);
      expect(passFirstUses(text, file)).toEqual(tsc);
    }, 60_000); // the first case loads tsbpf/vmlinux's declarations
  }
  it("the cases include both verdicts", () => {
    expect(Object.keys(CASES).length).toBeGreaterThan(15);
  });
});
