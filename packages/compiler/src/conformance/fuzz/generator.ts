/**
 * A seeded generator of random well-typed tsbpf programs: `@syscall` bodies over the `Io` context
 * that declare locals of every kind (and structs), assign, compound-assign, increment, branch,
 * loop with bounds the compiler can prove, switch, and finally store results into `ctx.r0..` and
 * return one. Every program it writes must compile, pass the verifier and compute what the
 * reference evaluator computes.
 *
 * Typing rules it keeps so that tsc and the compiler accept every program: number kinds and
 * bigint kinds never meet without a cast; a value stored into a declared kind is cast to it;
 * `>>>` only on numbers; shift counts masked below the width; divisors never constant;
 * literals fit their default kind.
 */
import type { Kind } from "../evaluator/c-ints.js";
import { operand, OPERAND_KINDS } from "../io.js";
import type { Rng } from "../random.js";
import { leaf, list, node, render, type ExprType, type Node } from "./tree.js";

export interface GenOptions {
  loops: boolean;
  switches: boolean;
  structs: boolean;
  /** Statements at the top level (nested lists are smaller). */
  maxStatements: number;
  /** Result slots written at the end. */
  results: number;
  /** Depth of expression trees. */
  depth: number;
  /** Module functions (BPF-to-BPF subprograms) the program calls. */
  calls: boolean;
  /** Globals (`this.g8`...) and a hash map (`this.m`), whose state outlives a run. */
  state: boolean;
  /** Fixed-array locals, indexed in range and (reading 0, writing nothing) out of range. */
  arrays: boolean;
  /** Statements that keep many values live at once (register pressure, spills). */
  pressure: boolean;
  /** Nested structs, arrays of structs and of arrays, enums, labelled blocks (issue 9, item 4). */
  aggregates: boolean;
}

/**
 * What the generator writes, for docs/status.md: every construct below appears in programs of both
 * option sets (each behind its flag where it has one).
 * - expressions over every kind: arithmetic, bitwise, shifts (masked counts), unary `-`/`~`, casts,
 *   comparisons (`<`, `<=`, `>`, `>=`, `===`, `!==`, `==`, `!=`), `!`, `&&`, `||`, `?:`, calls;
 *   literals of every sign and size, module constants (`K_*`);
 * - locals of every kind and bool (`const` and `let`), assignment, compound assignment, `++`/`--`;
 * - bools narrowed by tsc: `if (b) { if (!b) { b = (x < y) && b } }`, `b || (b || x)` inside
 *   `if (b)` (where tsc types b as never), assignments of conditions to bool locals;
 * - fixed arrays indexed in range (masked), at raw variable indexes of any value, at cast
 *   constants of every sign and size (`a[i32(-2)]`, `a[u32(4294967295)]`, -1, 0, len-1, len, ...)
 *   and at `let`/`const` locals holding such values, which constant propagation carries into the
 *   index (out of range, a read gives 0 and a write does nothing);
 * - structs: literals, spread (`{ ...s, c: x }`), copies, member assignment;
 * - if/else, early `return`, for/while/do…while with constant bounds (literal or module constant),
 *   for…of, labelled break/continue, switch with fall-through;
 * - BPF-to-BPF subprograms, globals, a hash map and an array map (update with every flag,
 *   delete, lookup and write through; keys past the array's end);
 * - nested structs (`n.s.c`, a struct member of a struct, an array member `n.k[i]`), arrays of
 *   structs (`q[1].d`), arrays of arrays (`w[2][i]`), all zero-initialised and then written and
 *   read like other locals; members of a `const enum` and of an `enum` (negative, implicit and
 *   large values) as operands; labelled blocks left by `break label`.
 */

/** The campaign's programs: larger, slower to compile. */
export const defaultOptions: GenOptions = { loops: true, switches: true, structs: true, maxStatements: 10, results: 4, depth: 3, calls: true, state: true, arrays: true, pressure: true, aggregates: true };
/** The bounded run of `npm test`: small programs, so that thousands compile in a minute. */
export const smallOptions: GenOptions = { loops: true, switches: true, structs: true, maxStatements: 4, results: 2, depth: 2, calls: true, state: true, arrays: true, pressure: false, aggregates: true };

/** The struct random programs build on the stack. */
export const RANDOM_DECLARATIONS = [
  'import { ArrayMap } from "tsbpf";',
  "export interface Rs { a: u8; b: i16; c: u32; d: i64; e: u64 }",
  "const K_NEG: i32 = -2;",
  "const K_BIG: u32 = 4000000000;",
  "const K_BOUND: i32 = 3;",
  "const K_WIDE: i64 = -5000000000n;",
  "const K_MASK: u64 = 0xfffffffffn;",
  "export interface Rn { t: i8; s: Rs; k: FixedArray<u16, 3> }",
  "const enum Ge { Lo = -3, Mid, Hi = 40000 }",
  "enum Gf { X, Y = 7 }",
].join("\n");
/** The module constants above, by family. */
const N_CONSTANTS = ["K_NEG", "K_BIG", "K_BOUND"];
/** Enum members (RANDOM_DECLARATIONS): negative, implicit (Ge.Mid = -2) and large values. */
const ENUM_MEMBERS = ["Ge.Lo", "Ge.Mid", "Ge.Hi", "Gf.X", "Gf.Y"];
const B_CONSTANTS = ["K_WIDE", "K_MASK"];
/** Globals and a map of the random programs' class: their state carries over between runs. */
export const RANDOM_FIELDS = "  g8: u8 = 7;\n  g16: i16 = -3;\n  g32: u32 = 100;\n  g64: i64 = -5n;\n  m = new HashMap<u32, u64>({ maxEntries: 6 });\n  am = new ArrayMap<u64>({ maxEntries: 6 });";
const GLOBALS: [string, Kind][] = [["this.g8", "u8"], ["this.g16", "i16"], ["this.g32", "u32"], ["this.g64", "i64"]];
const STRUCT_FIELDS: [string, Kind][] = [["a", "u8"], ["b", "i16"], ["c", "u32"], ["d", "i64"], ["e", "u64"]];

const N_KINDS: readonly Kind[] = ["u8", "i8", "u16", "i16", "u32", "i32"];
const B_KINDS: readonly Kind[] = ["u64", "i64"];
const familyOf = (k: Kind): ExprType => (k === "u64" || k === "i64" ? "b" : "n");

interface Var {
  name: string;
  kind: Kind | "bool";
  mutable: boolean;
  /** A fixed array of this many elements of `kind`. */
  length?: number;
  /** A local declared to hold an index value (#indexLocal). */
  index?: boolean;
}

/** Index values around an array of `length` and around every kind's boundaries. */
function indexValues(length: number): number[] {
  return [-2147483648, -65536, -129, -128, -100, -9, -2, -1, 0, 1, length - 1, length, length + 1, 2 * length, 127, 128, 255, 256, 32767, 65535, 2147483647, 4294967295];
}

/** A module function a program may call. */
export interface GeneratedFunction {
  name: string;
  params: Kind[];
  returns: Kind;
  tree: Node;
}

const N_LITERALS = [0, 1, 2, 3, 5, 7, 8, 15, 16, 31, 32, 63, 100, 127, 128, 255, 256, 1000, 32767, 32768, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff];
const N_NEGATIVE = [1, 2, 7, 128, 129, 32768, 2147483648];
const B_LITERALS = [0n, 1n, 3n, 31n, 63n, 255n, 65536n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];

const ARITH = ["+", "-", "*", "/", "%", "&", "|", "^"] as const;
const COMPARE = ["<", "<=", ">", ">=", "===", "!==", "==", "!="] as const;
const COMPOUND = ["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="] as const;

/** An expression node; `constant` when no variable or operand feeds it. */
type Expr = Node & { constant?: boolean };

export class ProgramGenerator {
  readonly #rng: Rng;
  readonly #options: GenOptions;
  readonly #scopes: Var[][] = [[]];
  #counter = 0;
  #loopDepth = 0;
  #depth = 0;
  /** Labels of the enclosing loops (for labelled break/continue). */
  readonly #labels: string[] = [];
  /** Inside a module function: no context, no globals, no result slots. */
  readonly #inFunction: boolean;
  readonly #prefix: string;
  /** The functions this program's body may call. */
  readonly functions: GeneratedFunction[] = [];

  constructor(rng: Rng, options: GenOptions = defaultOptions, prefix = "f", inFunction = false) {
    this.#rng = rng;
    this.#options = options;
    this.#prefix = prefix;
    this.#inFunction = inFunction;
    if (options.state && !inFunction) for (const [name, kind] of GLOBALS) this.#declare({ name, kind, mutable: true });
  }

  /** Module functions (0 to 2) for the program to call; generate them before `program()`. */
  makeFunctions(): GeneratedFunction[] {
    if (!this.#options.calls) return [];
    const count = this.#rng.below(3);
    for (let i = 0; i < count; i++) {
      const params = Array.from({ length: 1 + this.#rng.below(5) }, () => this.#kind());
      const returns = this.#kind();
      const inner = new ProgramGenerator(this.#rng, { ...this.#options, maxStatements: 3, calls: false, state: false }, this.#prefix, true);
      params.forEach((k, j) => inner.#declare({ name: `a${j}`, kind: k, mutable: true }));
      const statements: Node[] = [];
      const n = this.#rng.below(4);
      for (let j = 0; j < n; j++) statements.push(inner.#statement());
      statements.push(node("stmt", [inner.#expr(familyOf(returns), 2)], ([x]) => `    return ${returns}(${x});`, { keep: true }));
      const name = `${this.#prefix}_${i}`;
      const signature = params.map((k, j) => `a${j}: ${k}`).join(", ");
      const body = list(statements);
      this.functions.push({ name, params, returns, tree: node("stmt", [body], ([b]) => `function ${name}(${signature}): ${returns} {\n${b}\n}`) });
    }
    return this.functions;
  }

  /** The body of one program: a statement list ending in result stores and a return. */
  program(): Node {
    const statements: Node[] = [];
    const count = 2 + this.#rng.below(this.#options.maxStatements);
    for (let i = 0; i < count; i++) statements.push(this.#statement());
    for (let i = 0; i < this.#options.results; i++) {
      const family: ExprType = this.#rng.chance(0.5) ? "n" : "b";
      const e = this.#expr(family, this.#options.depth);
      statements.push(node("stmt", [e], ([x]) => `    ctx.r${i} = u64(${x});`));
    }
    statements.push(node("stmt", [this.#expr("n", this.#options.depth)], ([x]) => `    return i32(${x});`, { keep: true }));
    return list(statements);
  }

  // ---- scope ----

  #vars(filter: (v: Var) => boolean): Var[] {
    return this.#scopes.flat().filter(filter);
  }

  #fresh(prefix: string): string {
    return `${prefix}${this.#counter++}`;
  }

  #declare(v: Var): void {
    this.#scopes.at(-1)!.push(v);
  }

  #nested(make: () => Node[]): Node {
    this.#scopes.push([]);
    this.#depth++;
    try {
      return list(make());
    } finally {
      this.#depth--;
      this.#scopes.pop();
    }
  }

  #block(max: number): Node {
    return this.#nested(() => Array.from({ length: 1 + this.#rng.below(max) }, () => this.#statement()));
  }

  // ---- statements ----

  #statement(): Node {
    const r = this.#rng;
    const nestedOk = this.#depth < 2;
    const choices: [number, () => Node][] = [
      [4, () => this.#declaration()],
      [4, () => this.#assignment()],
      [3, () => this.#compound()],
      [1, () => this.#increment()],
    ];
    if (!this.#inFunction) choices.push([2, () => this.#resultStore()]);
    if (!this.#inFunction && this.#options.pressure) choices.push([1, () => this.#pressure()]);
    if (this.#options.state && !this.#inFunction) choices.push([2, () => this.#mapStatement()]);
    if (this.#options.arrays) choices.push([1, () => this.#arrayDeclaration()], [1, () => this.#indexLocal()]);
    choices.push([3, () => this.#boolStatement()]);
    if (!this.#inFunction) choices.push([1, () => this.#earlyReturn()]);
    if (this.#options.structs) choices.push([1, () => this.#structCopy()]);
    if (nestedOk) choices.push([2, () => this.#if()]);
    if (nestedOk && this.#options.loops && this.#loopDepth < 2) choices.push([2, () => this.#for()], [1, () => this.#while()], [1, () => this.#doWhile()], [1, () => this.#forOf()]);
    if (nestedOk && this.#options.switches) choices.push([1, () => this.#switch()]);
    if (this.#loopDepth > 0) choices.push([1, () => this.#loopExit()]);
    if (this.#options.structs) choices.push([1, () => this.#structDeclaration()]);
    if (this.#options.aggregates) choices.push([1, () => this.#aggregateDeclaration()]);
    if (this.#options.aggregates && nestedOk) choices.push([1, () => this.#labelledBlock()]);
    const total = choices.reduce((n, [w]) => n + w, 0);
    let pick = r.below(total);
    for (const [w, make] of choices) {
      if (pick < w) return make();
      pick -= w;
    }
    return choices[0]![1]();
  }

  #declaration(): Node {
    if (this.#rng.chance(0.15)) {
      const name = this.#fresh("c");
      const c = this.#cond(2);
      const word = this.#rng.chance(0.5) ? "let" : "const";
      this.#declare({ name, kind: "bool", mutable: word === "let" });
      return node("stmt", [c], ([x]) => `    ${word} ${name}: bool = ${x};`, { removable: true });
    }
    const kind = this.#kind();
    const name = this.#fresh("v");
    const e = this.#expr(this.#rng.chance(0.8) ? familyOf(kind) : this.#rng.pick(["n", "b"] as const), this.#options.depth);
    this.#declare({ name, kind, mutable: true });
    return node("stmt", [e], ([x]) => `    let ${name}: ${kind} = ${kind}(${x});`);
  }

  /**
   * A bool local assigned, and narrowed by tsc: inside `if (b) { if (!b) { … } }` tsc types b as
   * never (unreachable code, which the program still compiles), inside `if (b)` the right of
   * `b || …` too.
   */
  #boolStatement(): Node {
    const bools = this.#vars((v) => v.kind === "bool" && v.mutable);
    if (!bools.length) return this.#declaration();
    const b = this.#rng.pick(bools).name;
    const c = this.#cond(2);
    const roll = this.#rng.below(6);
    if (roll === 5) return node("stmt", [c], ([x]) => `    if (${b}) { if (!${b}) { ${b} = ${x} && ${b}; } }`, { removable: true });
    if (roll === 0) return node("stmt", [c], ([x]) => `    ${b} = ${x};`, { removable: true });
    if (roll === 1) return node("stmt", [c], ([x]) => `    if (${b}) { if (!${b}) { ${b} = ${x} && ${b}; } }`, { removable: true });
    if (roll === 2) return node("stmt", [c], ([x]) => `    if (!${b}) { if (${b}) { ${b} = ${b} || ${x}; } }`, { removable: true });
    if (roll === 3) return node("stmt", [c], ([x]) => `    if (${b}) { ${b} = (${b} || (${b} || ${x})); }`, { removable: true });
    return node("stmt", [c], ([x]) => `    ${b} = !${b} ? ${x} : (${b} && !${x});`, { removable: true });
  }

  /** `if (c) return i32(x);` in the program's body (past it, the results are not written). */
  #earlyReturn(): Node {
    const c = this.#cond(2);
    const e = this.#expr("n", 1);
    return node("stmt", [c, e], ([x, y]) => `    if (${x}) return i32(${y});`, { removable: true });
  }

  /** A struct from another: spread with members overridden, or a copy. */
  #structCopy(): Node {
    const structs = [...new Set(this.#vars((v) => /^s\d+\.a$/.test(v.name)).map((v) => v.name.slice(0, -2)))];
    if (!structs.length) return this.#structDeclaration();
    const from = this.#rng.pick(structs);
    const name = this.#fresh("s");
    const copy = this.#rng.chance(0.4);
    const [field, kind] = this.#rng.pick(STRUCT_FIELDS);
    // The member's value first: it must not read the struct it initialises.
    const e = this.#expr(familyOf(kind), 2);
    for (const [f, k] of STRUCT_FIELDS) this.#declare({ name: `${name}.${f}`, kind: k, mutable: true });
    if (copy) return node("stmt", [], () => `    const ${name}: Rs = ${from};`);
    return node("stmt", [e], ([x]) => `    const ${name}: Rs = { ...${from}, ${field}: ${kind}(${x}) };`);
  }

  #structDeclaration(): Node {
    const name = this.#fresh("s");
    const inits = STRUCT_FIELDS.map(([, k]) => this.#expr(familyOf(k), 2));
    for (const [field, kind] of STRUCT_FIELDS) this.#declare({ name: `${name}.${field}`, kind, mutable: true });
    return node("stmt", inits, (xs) => `    const ${name}: Rs = { ${STRUCT_FIELDS.map(([f, k], i) => `${f}: ${k}(${xs[i]})`).join(", ")} };`);
  }

  #target(): Var | undefined {
    const vars = this.#vars((v) => v.mutable && v.kind !== "bool");
    return vars.length ? this.#rng.pick(vars) : undefined;
  }

  /**
   * How to name a variable: arrays with an index — masked into range (or twice the range) half of
   * the time, else a raw index of any value (a variable, an operand, a local holding a constant)
   * or a cast constant of any sign and size. A bare constant out of range is a compile error
   * (TSBPF2011), so constants are cast (`i32(-2)`), which leaves their value to folding.
   */
  #access(v: Var): string {
    if (v.length === undefined) return v.name;
    const roll = this.#rng.below(10);
    if (roll < 5) {
      const index = this.#indexLeaf();
      const outOfRange = !index.constant && this.#rng.chance(0.2);
      return `${v.name}[${render(index)} & ${outOfRange ? 2 * v.length - 1 : v.length - 1}]`;
    }
    if (roll < 8) {
      const locals = this.#vars((x) => x.index === true);
      if (locals.length && this.#rng.chance(0.6)) return `${v.name}[${this.#rng.pick(locals).name}]`;
      const index = this.#indexLeaf();
      return `${v.name}[${index.constant ? `i32(${render(index)})` : render(index)}]`;
    }
    return `${v.name}[${this.#castIndex(v.length)}]`;
  }

  /** A cast constant index: the boundaries of the array and of every kind, both signs. */
  #castIndex(length: number): string {
    const kind = this.#rng.pick(["i32", "i32", "u32", "i16", "u16", "i8", "u8"] as const);
    return `${kind}(${this.#rng.pick(indexValues(length))})`;
  }

  /** `let j: K = K(v)` (or `const`): a local holding an index value that propagation carries. */
  #indexLocal(): Node {
    const kind = this.#rng.pick(N_KINDS);
    const name = this.#fresh("j");
    const value = this.#rng.pick(indexValues(this.#rng.pick([2, 4, 8])));
    const word = this.#rng.chance(0.5) ? "let" : "const";
    this.#declare({ name, kind, mutable: word === "let", index: true });
    return node("stmt", [], () => `    ${word} ${name}: ${kind} = ${kind}(${value});`);
  }

  /** An index: a scalar number variable, an operand, or a literal (never another array element). */
  #indexLeaf(): Expr {
    const vars = this.#vars((v) => v.kind !== "bool" && v.length === undefined && familyOf(v.kind) === "n");
    const roll = this.#rng.below(10);
    if (roll < 5 && vars.length) return leaf("n", this.#rng.pick(vars).name);
    if (roll < 8 && !this.#inFunction) return leaf("n", `ctx.${operand(this.#rng.chance(0.5) ? "x" : "y", this.#rng.pick(N_KINDS))}`);
    return { ...leaf("n", `${this.#rng.below(16)}`), constant: true };
  }

  #arrayDeclaration(): Node {
    const name = this.#fresh("arr"); // not "a": function parameters are a0, a1...
    const kind = this.#kind();
    const length = this.#rng.pick([2, 4, 8]);
    this.#declare({ name, kind, mutable: true, length });
    const array = `    const ${name}: FixedArray<${kind}, ${length}> = zero();`;
    if (this.#rng.chance(0.5)) return node("stmt", [], () => array);
    // With a local holding an index value for it (and for the arrays after it).
    const local = this.#indexLocal();
    return node("stmt", [local], ([l]) => `${array}\n${l}`);
  }

  #mapStatement(): Node {
    const r = this.#rng;
    // The hash map, or (with aggregates) the array map: keys 0-7 against 6 entries either way.
    const map = this.#options.aggregates && r.chance(0.4) ? "this.am" : "this.m";
    const key = this.#expr("n", 1);
    const roll = r.below(4);
    if (roll === 0) {
      const value = this.#expr("b", 2);
      const flags = r.pick(["", ", 0n", ", 1n", ", 2n"]);
      const slot = this.#options.results + r.below(4);
      return node("stmt", [key, value], ([k, v]) => `    ctx.r${slot} = u64(${map}.update(u32(${k}) & 7, u64(${v})${flags}));`, { removable: true });
    }
    if (roll === 1) {
      return node("stmt", [key], ([k]) => `    ctx.r${this.#options.results + r.below(4)} = u64(${map}.delete(u32(${k}) & 7));`, { removable: true });
    }
    const p = this.#fresh("p");
    const value = this.#expr("b", 2);
    const slot = this.#options.results + r.below(4);
    const check = r.pick([`if (${p})`, `if (${p} !== null)`]);
    return node("stmt", [key, value], ([k, v]) =>
      `    const ${p} = ${map}.lookup(u32(${k}) & 7);\n    ${check} { ${p}.value += u64(${v}); ctx.r${slot} = ${p}.value; }`, { removable: true });
  }

  #assignment(): Node {
    const v = this.#target();
    if (!v) return this.#declaration();
    const kind = v.kind as Kind;
    const e = this.#expr(this.#rng.chance(0.8) ? familyOf(kind) : this.#rng.pick(["n", "b"] as const), this.#options.depth);
    const target = this.#access(v);
    return node("stmt", [e], ([x]) => `    ${target} = ${kind}(${x});`, { removable: true });
  }

  #compound(): Node {
    const v = this.#target();
    if (!v) return this.#declaration();
    const family = familyOf(v.kind as Kind);
    const op = this.#rng.pick(COMPOUND);
    let rhs: Expr;
    if (op === "<<=" || op === ">>=") rhs = this.#masked(this.#expr(family, 2), family);
    else if (op === "/=" || op === "%=") rhs = this.#divisor(family, 2);
    else rhs = this.#expr(family, 2);
    const target = this.#access(v);
    return node("stmt", [rhs], ([x]) => `    ${target} ${op} ${x};`, { removable: true });
  }

  #increment(): Node {
    const v = this.#target();
    if (!v) return this.#declaration();
    const form = this.#rng.pick(["++X", "X++", "--X", "X--"]);
    const target = this.#access(v);
    return node("stmt", [], () => `    ${form.replace("X", target)};`, { removable: true });
  }

  #resultStore(): Node {
    const slot = this.#options.results + this.#rng.below(4);
    const family: ExprType = this.#rng.chance(0.5) ? "n" : "b";
    return node("stmt", [this.#expr(family, this.#options.depth)], ([x]) => `    ctx.r${slot} = u64(${x});`, { removable: true });
  }

  /**
   * Register pressure: many values live at once (more than the six callee-saved and scratch
   * registers the allocator has), combined in one expression, across a call when there is one.
   */
  #pressure(): Node {
    const r = this.#rng;
    const count = 7 + r.below(8);
    const names: { name: string; kind: Kind }[] = [];
    const decls: Node[] = [];
    for (let i = 0; i < count; i++) {
      const kind = this.#kind();
      const name = this.#fresh("q");
      decls.push(node("stmt", [this.#expr(familyOf(kind), 1)], ([x]) => `    const ${name}: ${kind} = ${kind}(${x});`));
      names.push({ name, kind });
    }
    for (const n of names) this.#declare({ name: n.name, kind: n.kind, mutable: false });
    const family: ExprType = r.chance(0.5) ? "n" : "b";
    const cast = family === "n" ? "i32" : "i64";
    const ops = ["+", "-", "^", "|", "&", "*"];
    const middle = this.#expr(family, 1); // may be a call, clobbering r1-r5 while all are live
    const slot = this.#options.results + r.below(4);
    return node("stmt", [...decls, middle], (parts) => {
      const m = parts.at(-1)!;
      const terms = names.map((n) => `${cast}(${n.name})`);
      const sum = terms.reduce((acc, t, i) => (i === 0 ? t : `(${acc} ${ops[(i + count) % ops.length]} ${t})`));
      return `${parts.slice(0, -1).join("\n")}\n    ctx.r${slot} = u64(${sum} + ${m});`;
    }, { removable: true });
  }

  #if(): Node {
    const c = this.#cond(2);
    const then = this.#block(3);
    if (this.#rng.chance(0.5)) return node("stmt", [c, then], ([x, t]) => `    if (${x}) {\n${t}\n    }`, { removable: true });
    const otherwise = this.#block(3);
    return node("stmt", [c, then, otherwise], ([x, t, e]) => `    if (${x}) {\n${t}\n    } else {\n${e}\n    }`, { removable: true });
  }

  #loopBody(counter: Var | undefined, label: string | undefined): Node {
    this.#loopDepth++;
    if (label) this.#labels.push(label);
    try {
      return this.#nested(() => {
        if (counter) this.#declare(counter);
        return Array.from({ length: 1 + this.#rng.below(3) }, () => this.#statement());
      });
    } finally {
      if (label) this.#labels.pop();
      this.#loopDepth--;
    }
  }

  /** A label for a loop, half of the time. */
  #label(): string | undefined {
    return this.#rng.chance(0.5) ? this.#fresh("L") : undefined;
  }

  #for(): Node {
    const i = this.#fresh("k"); // not "i": i8, i16... are casts
    const bound = 1 + this.#rng.below(6);
    const kind = this.#rng.pick(["u32", "i32", "u8", "i64"] as const);
    const lit = kind === "i64" ? "n" : "";
    const label = this.#label();
    const body = this.#loopBody({ name: i, kind, mutable: false }, label);
    const head = label ? `${label}: ` : "";
    const limit = kind !== "i64" && this.#rng.chance(0.2) ? "K_BOUND" : `${bound}${lit}`;
    return node("stmt", [body], ([b]) => `    ${head}for (let ${i}: ${kind} = 0${lit}; ${i} < ${limit}; ${i}++) {\n${b}\n    }`, { removable: true });
  }

  #while(): Node {
    const w = this.#fresh("w");
    const bound = 1 + this.#rng.below(6);
    const label = this.#label();
    const body = this.#loopBody({ name: w, kind: "u32", mutable: false }, label);
    const head = label ? `${label}: ` : "";
    return node("stmt", [body], ([b]) => `    let ${w}: u32 = 0;\n    ${head}while (${w} < ${bound}) {\n      ${w}++;\n${b}\n    }`, { removable: true });
  }

  /** `do { d++; ... } while (d < N)`: a `continue` in the body goes to the condition. */
  #doWhile(): Node {
    const d = this.#fresh("d");
    const bound = 1 + this.#rng.below(5);
    const label = this.#label();
    const body = this.#loopBody({ name: d, kind: "u32", mutable: false }, label);
    const head = label ? `${label}: ` : "";
    return node("stmt", [body], ([b]) => `    let ${d}: u32 = 0;\n    ${head}do {\n      ${d}++;\n${b}\n    } while (${d} < ${bound});`, { removable: true });
  }

  /**
   * A nested struct, an array of structs or an array of arrays, zero-filled; its scalar members
   * and inner arrays become locals the other statements read and write (`n1.s.c`, `q1[1].d`,
   * `w1[2][i]`).
   */
  #aggregateDeclaration(): Node {
    const roll = this.#rng.below(3);
    if (roll === 0) {
      const name = this.#fresh("n");
      this.#declare({ name: `${name}.t`, kind: "i8", mutable: true });
      for (const [f, k] of STRUCT_FIELDS) this.#declare({ name: `${name}.s.${f}`, kind: k, mutable: true });
      this.#declare({ name: `${name}.k`, kind: "u16", mutable: true, length: 3 });
      return node("stmt", [], () => `    const ${name}: Rn = zero();`);
    }
    if (roll === 1) {
      const name = this.#fresh("q");
      for (const i of [0, 1]) for (const [f, k] of STRUCT_FIELDS) this.#declare({ name: `${name}[${i}].${f}`, kind: k, mutable: true });
      return node("stmt", [], () => `    const ${name}: FixedArray<Rs, 2> = zero();`);
    }
    const name = this.#fresh("w");
    const kind = this.#kind();
    for (const i of [0, 1, 2]) this.#declare({ name: `${name}[${i}]`, kind, mutable: true, length: 2 });
    return node("stmt", [], () => `    const ${name}: FixedArray<FixedArray<${kind}, 2>, 3> = zero();`);
  }

  /** `B1: { ...; if (c) break B1; ... }`: a labelled block only `break` leaves. */
  #labelledBlock(): Node {
    const label = this.#fresh("B");
    const before = this.#block(2);
    const c = this.#cond(2);
    const after = this.#block(2);
    return node("stmt", [before, c, after], ([b, x, a]) => `    ${label}: {\n${b}\n    if (${x}) break ${label};\n${a}\n    }`, { removable: true });
  }

  /** `for (const e of array)` over a fixed-array local in scope (else a counted loop). */
  #forOf(): Node {
    const arrays = this.#vars((v) => v.length !== undefined);
    if (!arrays.length) return this.#for();
    const array = this.#rng.pick(arrays);
    const e = this.#fresh("e");
    const label = this.#label();
    const body = this.#loopBody({ name: e, kind: array.kind, mutable: false }, label);
    const head = label ? `${label}: ` : "";
    return node("stmt", [body], ([b]) => `    ${head}for (const ${e} of ${array.name}) {\n${b}\n    }`, { removable: true });
  }

  #loopExit(): Node {
    const c = this.#cond(2);
    const word = this.#rng.chance(0.5) ? "break" : "continue";
    const label = this.#labels.length && this.#rng.chance(0.4) ? ` ${this.#rng.pick(this.#labels)}` : "";
    return node("stmt", [c], ([x]) => `    if (${x}) ${word}${label};`, { removable: true });
  }

  #switch(): Node {
    const subject = this.#expr("n", 2);
    const cases = 1 + this.#rng.below(3);
    const bodies = Array.from({ length: cases + 1 }, () => this.#block(2));
    const breaks = bodies.map(() => this.#rng.chance(0.7));
    return node("stmt", [subject, ...bodies], ([s, ...bs]) => {
      const arms = bs.map((b, i) => `    ${i < cases ? `case ${i}:` : "default:"} {\n${b}\n    }${breaks[i] ? " break;" : ""}`);
      return `    switch (${s} & 3) {\n${arms.join("\n")}\n    }`;
    }, { removable: true });
  }

  // ---- expressions ----

  #kind(): Kind {
    return this.#rng.pick(OPERAND_KINDS);
  }

  #leaf(family: ExprType): Expr {
    const r = this.#rng;
    const kinds = family === "n" ? N_KINDS : B_KINDS;
    const vars = this.#vars((v) => v.kind !== "bool" && familyOf(v.kind) === family);
    const roll = r.below(10);
    if ((roll < 4 || (this.#inFunction && roll < 8)) && vars.length) return leaf(family, this.#access(r.pick(vars)));
    if (roll < 8 && !this.#inFunction) return leaf(family, `ctx.${operand(r.chance(0.5) ? "x" : "y", r.pick(kinds))}`);
    return { ...this.#literal(family), constant: true };
  }

  #literal(family: ExprType): Node {
    const r = this.#rng;
    if (r.chance(0.1)) return leaf(family, r.pick(family === "n" ? N_CONSTANTS : B_CONSTANTS));
    if (family === "n" && this.#options.aggregates && r.chance(0.06)) return leaf("n", r.pick(ENUM_MEMBERS));
    if (family === "n") {
      if (r.chance(0.2)) return leaf("n", `(-${r.pick(N_NEGATIVE)})`);
      return leaf("n", `${r.chance(0.85) ? r.pick(N_LITERALS) : r.u32()}`);
    }
    if (r.chance(0.15)) return leaf("b", `(-${r.pick([1n, 2n, 255n, 0x80000000n, 0x7fffffffffffffffn])}n)`);
    return leaf("b", `${r.chance(0.85) ? r.pick(B_LITERALS) : r.u64()}n`);
  }

  #variableLeaf(family: ExprType): Expr {
    const kinds = family === "n" ? N_KINDS : B_KINDS;
    if (this.#inFunction) {
      const vars = this.#vars((v) => v.kind !== "bool" && v.length === undefined && familyOf(v.kind) === family);
      // Every function has a parameter; a cast of one serves when none is of this family.
      const any = this.#vars((v) => v.kind !== "bool" && v.length === undefined);
      return leaf(family, vars.length ? this.#rng.pick(vars).name : `${family === "n" ? "i32" : "i64"}(${this.#rng.pick(any).name})`);
    }
    return leaf(family, `ctx.${operand(this.#rng.chance(0.5) ? "x" : "y", this.#rng.pick(kinds))}`);
  }

  /** A divisor that is never a constant (a constant zero divisor is a compile error). */
  #divisor(family: ExprType, depth: number): Expr {
    const e = this.#expr(family, depth);
    return e.constant ? this.#variableLeaf(family) : e;
  }

  /**
   * A shift count masked below the width, inside a cast: `a << ((b << ((c >> (d & 63n)) & 63n)) & 63n)`
   * is a parse error in TypeScript (it tries `<(…)>(…)` as a generic arrow function), while
   * `a << u64(((b << …) & 63n))` parses (found by the fuzzer, seed 7108).
   */
  #masked(e: Expr, family: ExprType): Expr {
    return node(family, [e], ([x]) => (family === "n" ? `u32((${x} & 31))` : `u64((${x} & 63n))`), { constant: e.constant, fixed: true } as Partial<Node>);
  }

  #expr(family: ExprType, depth: number): Expr {
    if (family === "c") return this.#cond(depth);
    const r = this.#rng;
    if (depth <= 0 || r.chance(0.25)) return this.#leaf(family);
    const roll = r.below(20);
    if (roll < 9) {
      const op = r.pick(ARITH);
      const a = this.#expr(family, depth - 1);
      const b = op === "/" || op === "%" ? this.#divisor(family, depth - 1) : this.#expr(family, depth - 1);
      return node(family, [a, b], ([x, y]) => `(${x} ${op} ${y})`, { constant: a.constant && b.constant } as Partial<Node>);
    }
    if (roll < 12) {
      const op = family === "n" ? r.pick(["<<", ">>", ">>>"] as const) : r.pick(["<<", ">>"] as const);
      const a = this.#expr(family, depth - 1);
      const b = this.#masked(this.#expr(family, depth - 1), family);
      return node(family, [a, b], ([x, y]) => `(${x} ${op} ${y})`, { constant: a.constant && b.constant } as Partial<Node>);
    }
    if (roll < 14) {
      const op = r.pick(["-", "~"]);
      const a = this.#expr(family, depth - 1);
      // Parenthesised: `-(5)` negates an int, while `-5` would be a negative literal that must
      // fit its kind (`-(18446744073709551615n)` wraps; `-18446744073709551615n` is an error).
      return node(family, [a], ([x]) => `(${op}(${x}))`, { constant: a.constant } as Partial<Node>);
    }
    const callable = this.functions.filter((f) => familyOf(f.returns) === family);
    if (roll === 17 && callable.length) {
      const f = r.pick(callable);
      const args = f.params.map((k) => this.#expr(r.chance(0.7) ? familyOf(k) : family, depth - 1));
      return node(family, args, (xs) => `${f.name}(${xs.map((x, i) => `${f.params[i]}(${x})`).join(", ")})`);
    }
    if (roll < 17) {
      const kind = r.pick(family === "n" ? N_KINDS : B_KINDS);
      const a = this.#expr(r.chance(0.6) ? family : family === "n" ? "b" : "n", depth - 1);
      return node(family, [a], ([x]) => `${kind}(${x})`, { constant: a.constant } as Partial<Node>);
    }
    const c = this.#cond(depth - 1);
    const a = this.#expr(family, depth - 1);
    const b = this.#expr(family, depth - 1);
    // A negative literal arm is cast to its own default kind (same value and kind): the compiler
    // gives a literal arm the other arm's kind and refuses e.g. `c ? -1 : u32Value` (see the
    // regression case literal-arm-of-unsigned-ternary).
    const arm = (x: string) => (x.startsWith("(-") && /^\(-\d+n?\)$/.test(x) ? `${family === "n" ? "i32" : "i64"}${x}` : x);
    return node(family, [c, a, b], ([x, y, z]) => `(${x} ? ${arm(y!)} : ${arm(z!)})`, { constant: a.constant && b.constant } as Partial<Node>);
  }

  #cond(depth: number): Expr {
    const r = this.#rng;
    const bools = this.#vars((v) => v.kind === "bool");
    if (bools.length && r.chance(0.15)) return leaf("c", r.pick(bools).name);
    const roll = depth <= 0 ? 0 : r.below(10);
    if (roll < 6) {
      const family: ExprType = r.chance(0.6) ? "n" : "b";
      const a = this.#expr(family, Math.max(0, depth - 1));
      // One side is never a bare literal pair: tsc rejects comparing two literal types.
      const b = a.constant ? this.#variableLeaf(family) : this.#expr(family, Math.max(0, depth - 1));
      const op = r.pick(COMPARE);
      // `a << (b > (c))` is a parse error in TypeScript (it reads `<(b>(c)...` as a generic arrow
      // function's type parameters), so `x > y` is written `y < x`, which means the same.
      if (op === ">") return node("c", [a, b], ([x, y]) => `(${y} < ${x})`);
      return node("c", [a, b], ([x, y]) => `(${x} ${op} ${y})`);
    }
    if (roll < 7) return node("c", [this.#cond(depth - 1)], ([x]) => `!${x}`);
    const op = r.chance(0.5) ? "&&" : "||";
    return node("c", [this.#cond(depth - 1), this.#cond(depth - 1)], ([x, y]) => `(${x} ${op} ${y})`);
  }
}
