/**
 * Generated probes of one large method, for the scaling test and the bench (bench/scale.bench.mjs
 * writes the same shapes): `ifs` sequential `if (pid === i) return k;` blocks, or `statements`
 * straight-line updates of one local.
 */
export function bigMethod(shape: "ifs" | "statements", n: number, imports: string): string {
  const lines = [
    imports,
    "export class Big extends Probe {",
    '  @tracepoint("syscalls", "sys_enter_write")',
    "  onWrite(ctx: SysEnterContext): i32 {",
    "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);",
    "    let acc: u32 = 0;",
  ];
  for (let i = 0; i < n; i++) {
    lines.push(shape === "ifs" ? `    if (pid === ${i}) return ${i % 100};` : `    acc = acc ^ (pid + ${i % 89});`);
  }
  lines.push("    return acc === 7 ? 1 : 0;", "  }", "}", "");
  return lines.join("\n");
}

/** One `if` or statement of a runnable big method, and what it does, for an expectation computed in the test. */
export interface Step {
  source: string;
  /** The step on (x, acc) as u32s: a returned value ends the method. */
  apply(x: number, acc: number): { acc: number } | { returns: number };
}

/** A deterministic pseudo-random u32 sequence (xorshift32), so that cases differ but never change. */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

/**
 * A `@syscall` program `run(ctx: Io)` of the given steps, runnable with BPF_PROG_TEST_RUN on a
 * chosen `ctx.x`: `acc` starts at `ctx.seed`, the steps run, and the program returns 0 after
 * writing `acc` to `ctx.out` unless a step returned first.
 */
export function runnableMethod(steps: readonly Step[]): string {
  return [
    'import { Probe, syscall, type u32, type i32 } from "tsbpf";',
    "interface Io { x: u32; seed: u32; out: u32 }",
    "export class Big extends Probe {",
    "  @syscall",
    "  run(ctx: Io): i32 {",
    "    const x: u32 = ctx.x;",
    "    let acc: u32 = ctx.seed;",
    ...steps.map((s) => `    ${s.source}`),
    "    ctx.out = acc;",
    "    return 0;",
    "  }",
    "}",
    "",
  ].join("\n");
}

/** What `runnableMethod(steps)` computes: the returned value and `ctx.out` (unchanged when a step returned). */
export function evaluateSteps(steps: readonly Step[], x: number, seed: number): { returns: number; out: number | undefined } {
  let acc = seed >>> 0;
  for (const step of steps) {
    const r = step.apply(x >>> 0, acc);
    if ("returns" in r) return { returns: r.returns, out: undefined };
    acc = r.acc >>> 0;
  }
  return { returns: 0, out: acc };
}

/**
 * `n` ifs: `if (x === c) return v;` (distinct c) mixed with `if ((x & 255) === b) acc = acc ^ k;`
 * (paths that join; several taken for most x). The shape is one the verifier can walk: a
 * comparison of `x` itself with an order (`x > c`) would narrow x's range on every path, so that
 * no path's state covers another's and the verifier gives up at a million instructions, for a C
 * program of this shape too.
 */
export function ifSteps(n: number, seed = 14): Step[] {
  const next = xorshift(seed);
  const steps: Step[] = [];
  const used = new Set<number>();
  for (let i = 0; i < n; i++) {
    const c = next() % 1_000_000;
    const v = (next() % 1000) + 1;
    if (i % 2 === 0 && !used.has(c)) {
      used.add(c);
      steps.push({ source: `if (x === ${c}) return ${v};`, apply: (x, acc) => (x === c ? { returns: v } : { acc }) });
    } else {
      const k = next();
      const b = c & 255;
      steps.push({ source: `if ((x & 255) === ${b}) acc = acc ^ ${k};`, apply: (x, acc) => ({ acc: (x & 255) === b ? acc ^ k : acc }) });
    }
  }
  return steps;
}

/** `n` straight-line statements on `acc`: xor with `x + c`, add a constant, rotate left by one. */
export function statementSteps(n: number, seed = 15): Step[] {
  const next = xorshift(seed);
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    const c = next();
    if (i % 3 === 0) steps.push({ source: `acc = acc ^ (x + ${c});`, apply: (x, acc) => ({ acc: acc ^ ((x + c) >>> 0) }) });
    else if (i % 3 === 1) steps.push({ source: `acc = acc + ${c};`, apply: (_x, acc) => ({ acc: (acc + c) >>> 0 }) });
    else steps.push({ source: `acc = (acc << 1) | (acc >> 31);`, apply: (_x, acc) => ({ acc: ((acc << 1) | (acc >>> 31)) >>> 0 }) });
  }
  return steps;
}
