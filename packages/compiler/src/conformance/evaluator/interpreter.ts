/**
 * The reference evaluator: runs a probe method of a tsbpf source on chosen input by walking its
 * TypeScript syntax tree, with the C semantics of ./c-ints.ts and the layout of ./types.ts. It
 * reads only the syntax (ts.createSourceFile): no type checker, nothing of the compiler's front
 * end, IR or code generator, so that a disagreement with the kernel's result points at a bug in
 * one of the two.
 *
 * What it models: integer locals and their kinds (declared, or the C kind of the initialiser),
 * every operator, casts, `if`/`switch`/`for`/`while`/`do`/`for…of`, labelled `break`/`continue`,
 * structs and fixed arrays (values and places), object literals with spread, the context struct,
 * `this.<global>` fields, `HashMap` and `ArrayMap` lookup/update/delete with pointers into values, undecorated
 * methods and module functions as subprograms, module constants and enums. Helpers other than
 * map methods are not modelled (an EvalError says so).
 */
import { ts } from "ts-morph";
import * as C from "./c-ints.js";
import { keyOf, readInt, writeInt, type Place } from "./memory.js";
import { EvalError, intT, sizeOf, TypeTable, type EType } from "./types.js";

export { EvalError } from "./types.js";

type PtrVal = { t: "ptr"; place: Place | null; to: EType };
type Value = ({ t: "int" } & C.Int) | PtrVal | { t: "agg"; type: EType; bytes: Uint8Array };

type Slot = { kind: "mem"; place: Place; readonly: boolean } | { kind: "ptr"; value: PtrVal };

type Completion =
  | undefined
  | { type: "break"; label: string | undefined }
  | { type: "continue"; label: string | undefined }
  | { type: "return"; value: Value | undefined };

interface MapState {
  key: EType;
  value: EType;
  maxEntries: number;
  entries: Map<string, Uint8Array>;
  /** An ArrayMap: every index below maxEntries holds a value (zero at first); none is deleted. */
  array?: boolean;
}

/** What persists between runs of one loaded object: its globals and maps. */
export interface ProbeState {
  globals: Map<string, { place: Place; readonly: boolean }>;
  maps: Map<string, MapState>;
}

export interface RunResult {
  /** The program's return value in its declared kind. */
  retval: C.Int;
  /** The context bytes after the run (the input when there is no context). */
  ctx: Uint8Array;
}

const ERRNO = { ENOENT: 2n, E2BIG: 7n, EEXIST: 17n, EINVAL: 22n };

interface Frame {
  scopes: Map<string, Slot>[];
  returnType: EType;
  cls: ts.ClassDeclaration | undefined;
  state: ProbeState;
}

const BINARY: Partial<Record<ts.SyntaxKind, C.BinaryOp>> = {
  [ts.SyntaxKind.PlusToken]: "+", [ts.SyntaxKind.MinusToken]: "-", [ts.SyntaxKind.AsteriskToken]: "*",
  [ts.SyntaxKind.SlashToken]: "/", [ts.SyntaxKind.PercentToken]: "%", [ts.SyntaxKind.AmpersandToken]: "&",
  [ts.SyntaxKind.BarToken]: "|", [ts.SyntaxKind.CaretToken]: "^", [ts.SyntaxKind.LessThanLessThanToken]: "<<",
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: ">>", [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: ">>>",
};
const COMPOUND: Partial<Record<ts.SyntaxKind, C.BinaryOp>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "+", [ts.SyntaxKind.MinusEqualsToken]: "-", [ts.SyntaxKind.AsteriskEqualsToken]: "*",
  [ts.SyntaxKind.SlashEqualsToken]: "/", [ts.SyntaxKind.PercentEqualsToken]: "%", [ts.SyntaxKind.AmpersandEqualsToken]: "&",
  [ts.SyntaxKind.BarEqualsToken]: "|", [ts.SyntaxKind.CaretEqualsToken]: "^", [ts.SyntaxKind.LessThanLessThanEqualsToken]: "<<",
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ">>", [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ">>>",
};
const COMPARE: Partial<Record<ts.SyntaxKind, C.CompareOp>> = {
  [ts.SyntaxKind.LessThanToken]: "<", [ts.SyntaxKind.LessThanEqualsToken]: "<=", [ts.SyntaxKind.GreaterThanToken]: ">",
  [ts.SyntaxKind.GreaterThanEqualsToken]: ">=", [ts.SyntaxKind.EqualsEqualsEqualsToken]: "==", [ts.SyntaxKind.EqualsEqualsToken]: "==",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "!=", [ts.SyntaxKind.ExclamationEqualsToken]: "!=",
};

const STEP_LIMIT = 5_000_000;

export class Evaluator {
  readonly sourceFile: ts.SourceFile;
  readonly types: TypeTable;
  readonly #functions = new Map<string, ts.FunctionDeclaration>();
  readonly #constants = new Map<string, ts.VariableDeclaration>();
  readonly #enums = new Map<string, ts.EnumDeclaration>();
  readonly #classes = new Map<string, ts.ClassDeclaration>();
  readonly #constantValues = new Map<ts.Node, Value>();
  #steps = 0;

  constructor(text: string, fileName = "probe.bpf.ts") {
    this.sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    this.types = new TypeTable(this.sourceFile);
    for (const s of this.sourceFile.statements) {
      if (ts.isFunctionDeclaration(s) && s.name) this.#functions.set(s.name.text, s);
      else if (ts.isClassDeclaration(s) && s.name) this.#classes.set(s.name.text, s);
      else if (ts.isEnumDeclaration(s)) this.#enums.set(s.name.text, s);
      else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) this.#constants.set(d.name.text, d);
    }
  }

  #class(name: string): ts.ClassDeclaration {
    const cls = this.#classes.get(name);
    if (!cls) throw new EvalError(`no class ${name}`);
    return cls;
  }

  #method(cls: ts.ClassDeclaration, name: string): ts.MethodDeclaration {
    const m = cls.members.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && ts.isIdentifier(x.name) && x.name.text === name);
    if (!m?.body) throw new EvalError(`no method ${name} in ${cls.name?.text}`);
    return m;
  }

  /** The struct a program's context parameter points to (undefined when it takes none). */
  contextType(className: string, method: string): EType | undefined {
    const param = this.#method(this.#class(className), method).parameters[0];
    return param?.type ? this.types.resolve(param.type) : undefined;
  }

  /** Fresh globals (initialisers, `config` values override `@config` defaults) and empty maps. */
  newState(className: string, config: Record<string, bigint> = {}): ProbeState {
    const state: ProbeState = { globals: new Map(), maps: new Map() };
    for (const member of this.#class(className).members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const name = member.name.text;
      const init = member.initializer;
      if (init && ts.isNewExpression(init)) {
        const cls = init.expression.getText();
        if (cls !== "HashMap" && cls !== "ArrayMap") continue; // other maps (ring buffers) hold nothing the evaluator reads
        const array = cls === "ArrayMap";
        const [k, v] = array ? [undefined, init.typeArguments?.[0]] : init.typeArguments ?? [];
        const options = init.arguments?.[0];
        let maxEntries = 0;
        if (options && ts.isObjectLiteralExpression(options)) {
          for (const p of options.properties) {
            if (ts.isPropertyAssignment(p) && p.name.getText() === "maxEntries") maxEntries = Number(this.#constantInt(p.initializer).v);
          }
        }
        const value = this.types.resolve(v!);
        if (!array) {
          state.maps.set(name, { key: this.types.resolve(k!), value, maxEntries, entries: new Map() });
          continue;
        }
        const entries = new Map<string, Uint8Array>();
        for (let i = 0; i < maxEntries; i++) {
          const index = new Uint8Array(4);
          writeInt(index, 0, "u32", BigInt(i));
          entries.set(keyOf(index, 0, 4), new Uint8Array(sizeOf(value)));
        }
        state.maps.set(name, { key: intT("u32"), value, maxEntries, entries, array: true });
        continue;
      }
      const type: EType = member.type ? this.types.resolve(member.type) : intT("bool");
      if (type.tag !== "int") throw new EvalError(`global ${name} is not an integer`, member);
      const mem = new Uint8Array(sizeOf(type));
      const isConfig = ts.getDecorators(member)?.some((d) => d.expression.getText() === "config") ?? false;
      let value = init ? this.#constantInt(init, type.kind).v : 0n;
      if (isConfig && config[name] !== undefined) value = config[name]!;
      writeInt(mem, 0, type.kind, value);
      state.globals.set(name, { place: { mem, off: 0, type }, readonly: isConfig });
    }
    return state;
  }

  /**
   * Runs `className.method` on a copy of `ctx` (bytes laid out as its context struct), with the
   * object's `state` (changed in place, as the kernel's maps and globals are).
   */
  run(className: string, method: string, ctx: Uint8Array | undefined, state: ProbeState = this.newState(className)): RunResult {
    const cls = this.#class(className);
    const m = this.#method(cls, method);
    const returnType = m.type ? this.types.resolve(m.type) : intT("i32");
    const frame: Frame = { scopes: [new Map()], returnType, cls, state };
    const ctxBytes = ctx ? ctx.slice() : new Uint8Array(0);
    const param = m.parameters[0];
    if (param) {
      const to = this.types.resolve(param.type!);
      if (ctxBytes.length < sizeOf(to)) throw new EvalError(`the context needs ${sizeOf(to)} bytes, got ${ctxBytes.length}`);
      frame.scopes[0]!.set(param.name.getText(), { kind: "ptr", value: { t: "ptr", place: { mem: ctxBytes, off: 0, type: to }, to } });
    }
    this.#steps = 0;
    const completion = this.#block(frame, m.body!.statements);
    const value = completion?.type === "return" ? completion.value : undefined;
    const kind = returnType.tag === "int" ? returnType.kind : "i32";
    const retval = value ? this.#toInt(value, m) : { k: kind, v: 0n };
    return { retval: C.convert(retval, kind), ctx: ctxBytes };
  }

  // ---- statements ----

  #block(frame: Frame, statements: readonly ts.Statement[]): Completion {
    frame.scopes.push(new Map());
    try {
      for (const s of statements) {
        const c = this.#statement(frame, s);
        if (c) return c;
      }
      return undefined;
    } finally {
      frame.scopes.pop();
    }
  }

  #tick(node: ts.Node): void {
    if (++this.#steps > STEP_LIMIT) throw new EvalError(`more than ${STEP_LIMIT} steps: the program does not terminate`, node);
  }

  #statement(frame: Frame, s: ts.Statement, label?: string): Completion {
    this.#tick(s);
    if (ts.isBlock(s)) return this.#block(frame, s.statements);
    if (ts.isExpressionStatement(s)) {
      this.#expr(frame, s.expression);
      return undefined;
    }
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) this.#declare(frame, d);
      return undefined;
    }
    if (ts.isIfStatement(s)) {
      if (this.#truthy(frame, s.expression)) return this.#statement(frame, s.thenStatement);
      return s.elseStatement ? this.#statement(frame, s.elseStatement) : undefined;
    }
    if (ts.isReturnStatement(s)) {
      return { type: "return", value: s.expression ? this.#convertTo(this.#expr(frame, s.expression, frame.returnType), frame.returnType, s) : undefined };
    }
    if (ts.isEmptyStatement(s)) return undefined;
    if (ts.isBreakStatement(s)) return { type: "break", label: s.label?.text };
    if (ts.isContinueStatement(s)) return { type: "continue", label: s.label?.text };
    if (ts.isLabeledStatement(s)) {
      const c = this.#statement(frame, s.statement, s.label.text);
      return c?.type === "break" && c.label === s.label.text ? undefined : c;
    }
    if (ts.isWhileStatement(s)) return this.#loop(frame, label, undefined, s.expression, undefined, s.statement, false);
    if (ts.isDoStatement(s)) return this.#loop(frame, label, undefined, s.expression, undefined, s.statement, true);
    if (ts.isForStatement(s)) return this.#loop(frame, label, s.initializer, s.condition, s.incrementor, s.statement, false);
    if (ts.isForOfStatement(s)) return this.#forOf(frame, s, label);
    if (ts.isSwitchStatement(s)) return this.#switch(frame, s, label);
    throw new EvalError(`the evaluator does not model ${ts.SyntaxKind[s.kind]}`, s);
  }

  /** Whether a loop's body completion ends the loop, and what it passes on. */
  #loopControl(c: Completion, label: string | undefined): { stop: boolean; pass: Completion } {
    if (!c) return { stop: false, pass: undefined };
    if (c.type === "return") return { stop: true, pass: c };
    if (c.label !== undefined && c.label !== label) return { stop: true, pass: c };
    return { stop: c.type === "break", pass: undefined };
  }

  #loop(frame: Frame, label: string | undefined, init: ts.ForInitializer | undefined, cond: ts.Expression | undefined,
    step: ts.Expression | undefined, body: ts.Statement, bodyFirst: boolean): Completion {
    frame.scopes.push(new Map());
    try {
      if (init) {
        if (ts.isVariableDeclarationList(init)) for (const d of init.declarations) this.#declare(frame, d);
        else this.#expr(frame, init);
      }
      let first = bodyFirst;
      for (;;) {
        this.#tick(body);
        if (!first && cond && !this.#truthy(frame, cond)) return undefined;
        first = false;
        const { stop, pass } = this.#loopControl(this.#statement(frame, body), label);
        if (stop) return pass;
        if (step) this.#expr(frame, step);
      }
    } finally {
      frame.scopes.pop();
    }
  }

  #forOf(frame: Frame, s: ts.ForOfStatement, label: string | undefined): Completion {
    const array = this.#place(frame, s.expression);
    if (array.type.tag !== "array") throw new EvalError("for…of iterates over fixed arrays", s.expression);
    const elem = array.type.elem;
    const size = sizeOf(elem);
    const list = s.initializer;
    if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) throw new EvalError("for…of declares one variable", s);
    const name = list.declarations[0]!.name.getText();
    for (let i = 0; i < array.type.length; i++) {
      frame.scopes.push(new Map());
      try {
        // A struct element is the loop variable in place (writes to its members stay); a scalar one
        // is its value when the iteration starts, as in JavaScript (later writes to the array do
        // not change it).
        const element: Place = { mem: array.mem, off: array.off + i * size, type: elem };
        frame.scopes.at(-1)!.set(name, elem.tag === "int" ? this.#newSlot(elem, this.#load(element), s) : { kind: "mem", place: element, readonly: false });
        const { stop, pass } = this.#loopControl(this.#statement(frame, s.statement), label);
        if (stop) return pass;
      } finally {
        frame.scopes.pop();
      }
    }
    return undefined;
  }

  #switch(frame: Frame, s: ts.SwitchStatement, label: string | undefined): Completion {
    const subject = this.#toInt(this.#expr(frame, s.expression), s.expression);
    const clauses = s.caseBlock.clauses;
    let start = clauses.findIndex((c) => ts.isCaseClause(c) && C.compare("==", subject, this.#toInt(this.#expr(frame, c.expression), c)));
    if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
    if (start < 0) return undefined;
    frame.scopes.push(new Map());
    try {
      for (const clause of clauses.slice(start)) {
        for (const st of clause.statements) {
          const c = this.#statement(frame, st);
          if (!c) continue;
          if (c.type === "break" && (c.label === undefined || c.label === label)) return undefined;
          return c;
        }
      }
      return undefined;
    } finally {
      frame.scopes.pop();
    }
  }

  #declare(frame: Frame, d: ts.VariableDeclaration): void {
    if (!ts.isIdentifier(d.name)) throw new EvalError("destructuring is not modelled", d);
    const declared = d.type ? this.types.resolve(d.type) : undefined;
    const value = d.initializer ? this.#expr(frame, d.initializer, declared) : undefined;
    const type = declared ?? (value ? this.#typeOf(value) : undefined);
    if (!type) throw new EvalError("a variable needs a type or an initialiser", d);
    frame.scopes.at(-1)!.set(d.name.text, this.#newSlot(type, value, d));
  }

  #newSlot(type: EType, value: Value | undefined, at: ts.Node): Slot {
    if (type.tag === "ptr") {
      const v = value ? this.#convertTo(value, type, at) : { t: "ptr" as const, place: null, to: type.to };
      return { kind: "ptr", value: v as PtrVal };
    }
    const place: Place = { mem: new Uint8Array(sizeOf(type)), off: 0, type };
    if (value) this.#store(place, value, at);
    return { kind: "mem", place, readonly: false };
  }

  #typeOf(v: Value): EType {
    if (v.t === "int") return intT(v.k);
    if (v.t === "ptr") return { tag: "ptr", to: v.to };
    return v.type;
  }

  // ---- places ----

  #lookupSlot(frame: Frame, name: string): Slot | undefined {
    for (let i = frame.scopes.length - 1; i >= 0; i--) {
      const slot = frame.scopes[i]!.get(name);
      if (slot) return slot;
    }
    return undefined;
  }

  /** The memory an lvalue names. */
  #place(frame: Frame, node: ts.Expression): Place {
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) return this.#place(frame, node.expression);
    if (ts.isIdentifier(node)) {
      const slot = this.#lookupSlot(frame, node.text);
      if (slot?.kind === "mem") return slot.place;
      throw new EvalError(`'${node.text}' is not a place`, node);
    }
    if (ts.isPropertyAccessExpression(node)) {
      const name = node.name.text;
      if (node.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const g = frame.state.globals.get(name);
        if (!g) throw new EvalError(`no global ${name}`, node);
        return g.place;
      }
      const base = this.#baseOf(frame, node.expression);
      if (base.type.tag === "int" && name === "value") return base;
      if (base.type.tag !== "struct") throw new EvalError(`'.${name}' on a non-struct`, node);
      const field = base.type.fields.find((f) => f.name === name);
      if (!field) throw new EvalError(`no field ${name}`, node);
      return { mem: base.mem, off: base.off + field.offset, type: field.type };
    }
    if (ts.isElementAccessExpression(node)) {
      const base = this.#baseOf(frame, node.expression);
      if (base.type.tag !== "array") throw new EvalError("indexing a non-array", node);
      const index = this.#toInt(this.#expr(frame, node.argumentExpression), node).v;
      if (index < 0n || index >= BigInt(base.type.length)) {
        if (isLiteral(node.argumentExpression)) throw new EvalError(`index ${index} out of bounds [0, ${base.type.length})`, node);
        // The language's rule: a variable index out of range reads 0 and writes nothing.
        return { mem: new Uint8Array(sizeOf(base.type.elem)), off: 0, type: base.type.elem };
      }
      const size = sizeOf(base.type.elem);
      return { mem: base.mem, off: base.off + Number(index) * size, type: base.type.elem };
    }
    throw new EvalError(`not a place: ${ts.SyntaxKind[node.kind]}`, node);
  }

  /** The struct or array an access starts from: a place, or what a pointer points to. */
  #baseOf(frame: Frame, node: ts.Expression): Place {
    const inner = ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) ? node.expression : node;
    if (ts.isIdentifier(inner)) {
      const slot = this.#lookupSlot(frame, inner.text);
      if (slot?.kind === "ptr") return this.#deref(slot.value, node);
      if (slot?.kind === "mem") return slot.place;
    }
    if (ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner)) {
      const place = this.#place(frame, inner);
      return place;
    }
    const v = this.#expr(frame, inner);
    if (v.t === "ptr") return this.#deref(v, node);
    if (v.t === "agg") return { mem: v.bytes, off: 0, type: v.type };
    throw new EvalError("member access on an integer", node);
  }

  #deref(p: PtrVal, at: ts.Node): Place {
    if (!p.place) throw new EvalError("null pointer dereference", at);
    return { ...p.place, type: p.to };
  }

  #load(place: Place): Value {
    if (place.type.tag === "int") return { t: "int", ...readInt(place.mem, place.off, place.type.kind) };
    if (place.type.tag === "ptr") throw new EvalError("pointers in memory are not modelled");
    return { t: "agg", type: place.type, bytes: place.mem.slice(place.off, place.off + sizeOf(place.type)) };
  }

  #store(place: Place, value: Value, at: ts.Node): void {
    const type = place.type;
    if (type.tag === "int") {
      writeInt(place.mem, place.off, type.kind, this.#toInt(value, at).v);
      return;
    }
    if (value.t !== "agg" || sizeOf(value.type) !== sizeOf(type)) throw new EvalError("storing a value of another type", at);
    place.mem.set(value.bytes, place.off);
  }

  // ---- expressions ----

  #toInt(v: Value, at: ts.Node): C.Int {
    if (v.t === "int") return { k: v.k, v: v.v };
    if (v.t === "ptr") return { k: "bool", v: v.place ? 1n : 0n };
    throw new EvalError("a struct where an integer is needed", at);
  }

  #intValue(x: C.Int): Value {
    return { t: "int", k: x.k, v: x.v };
  }

  #convertTo(v: Value, type: EType, at: ts.Node): Value {
    if (type.tag === "int") return this.#intValue(C.convert(this.#toInt(v, at), type.kind));
    if (type.tag === "ptr") {
      if (v.t === "ptr") return { t: "ptr", place: v.place, to: type.to };
      if (v.t === "int" && v.v === 0n) return { t: "ptr", place: null, to: type.to };
      throw new EvalError("not a pointer", at);
    }
    return v;
  }

  #truthy(frame: Frame, node: ts.Expression): boolean {
    return this.#toInt(this.#expr(frame, node), node).v !== 0n;
  }

  #literal(v: bigint, isBigint: boolean, expected: EType | undefined, at: ts.Node): Value {
    if (expected?.tag === "int") {
      if (!C.fits(v, expected.kind)) throw new EvalError(`${v} does not fit ${expected.kind}`, at);
      return { t: "int", k: expected.kind, v };
    }
    const k = C.literalKind(v, isBigint);
    if (!k) throw new EvalError(`${v} fits no kind`, at);
    return { t: "int", k, v };
  }

  #expr(frame: Frame, node: ts.Expression, expected?: EType): Value {
    this.#tick(node);
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return this.#literal(BigInt((node as ts.NumericLiteral).text), false, expected, node);
      case ts.SyntaxKind.BigIntLiteral:
        return this.#literal(BigInt((node as ts.BigIntLiteral).text.slice(0, -1)), true, expected, node);
      case ts.SyntaxKind.TrueKeyword:
        return { t: "int", k: "bool", v: 1n };
      case ts.SyntaxKind.FalseKeyword:
        return { t: "int", k: "bool", v: 0n };
      case ts.SyntaxKind.NullKeyword:
        return { t: "ptr", place: null, to: { tag: "void" } };
    }
    if (ts.isParenthesizedExpression(node)) return this.#expr(frame, node.expression, expected);
    if (ts.isNonNullExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return this.#expr(frame, node.expression, expected);
    if (ts.isIdentifier(node)) return this.#identifier(frame, node, expected);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const e = this.#enumMember(node);
      if (e) return e;
      if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const g = frame.state.globals.get(node.name.text);
        if (g) return this.#load(g.place);
      }
      return this.#load(this.#place(frame, node));
    }
    if (ts.isPrefixUnaryExpression(node)) return this.#prefix(frame, node, expected);
    if (ts.isPostfixUnaryExpression(node)) return this.#increment(frame, node.operand, node.operator === ts.SyntaxKind.PlusPlusToken, false, node);
    if (ts.isBinaryExpression(node)) return this.#binary(frame, node);
    if (ts.isConditionalExpression(node)) {
      const c = this.#truthy(frame, node.condition);
      // Both arms' kinds decide the result's kind (usual arithmetic conversions), as in C.
      const armType = (arm: ts.Expression) => this.#staticKind(frame, arm, expected);
      const taken = this.#expr(frame, c ? node.whenTrue : node.whenFalse, expected);
      if (taken.t !== "int") return taken;
      const ka = armType(node.whenTrue);
      const kb = armType(node.whenFalse);
      if (ka === undefined || kb === undefined) return taken;
      const bothLiterals = isLiteral(node.whenTrue) && isLiteral(node.whenFalse);
      const k = bothLiterals && expected?.tag === "int" ? expected.kind : C.usualArithmetic(ka, kb);
      return this.#intValue(C.convert(taken, k));
    }
    if (ts.isCallExpression(node)) return this.#call(frame, node, expected);
    if (ts.isObjectLiteralExpression(node)) return this.#object(frame, node, expected);
    throw new EvalError(`the evaluator does not model ${ts.SyntaxKind[node.kind]}`, node);
  }

  /** The kind an expression has, read from types alone (for the arms of `?:`, one of which does not run). */
  #staticKind(frame: Frame, node: ts.Expression, expected: EType | undefined): C.Kind | undefined {
    const t = this.#staticType(frame, node, expected);
    return t?.tag === "int" ? t.kind : undefined;
  }

  #staticType(frame: Frame, node: ts.Expression, expected: EType | undefined): EType | undefined {
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) return this.#staticType(frame, node.expression, expected);
    if (ts.isNumericLiteral(node) || ts.isBigIntLiteral(node)) {
      const v = BigInt(ts.isBigIntLiteral(node) ? node.text.slice(0, -1) : node.text);
      return intT(expected?.tag === "int" ? expected.kind : C.literalKind(v, ts.isBigIntLiteral(node)) ?? "i64");
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return intT("bool");
    if (ts.isIdentifier(node)) {
      const slot = this.#lookupSlot(frame, node.text);
      if (slot?.kind === "mem") return slot.place.type;
      if (slot?.kind === "ptr") return { tag: "ptr", to: slot.value.to };
      const constant = this.#constants.get(node.text);
      if (constant?.type) return this.types.resolve(constant.type);
      if (constant) return this.#typeOf(this.#identifier(frame, node, expected));
      return undefined;
    }
    if (ts.isPropertyAccessExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ThisKeyword) return frame.state.globals.get(node.name.text)?.place.type;
      if (ts.isIdentifier(node.expression) && this.#enums.has(node.expression.text)) return this.#typeOf(this.#enumMember(node)!);
      let base = this.#staticType(frame, node.expression, undefined);
      if (base?.tag === "ptr") base = base.to;
      if (base?.tag === "int" && node.name.text === "value") return base;
      return base?.tag === "struct" ? base.fields.find((f) => f.name === node.name.text)?.type : undefined;
    }
    if (ts.isElementAccessExpression(node)) {
      const base = this.#staticType(frame, node.expression, undefined);
      return base?.tag === "array" ? base.elem : undefined;
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee)) {
        if (C.isKind(callee.text)) return intT(callee.text);
        if (callee.text === "zero") return expected;
        const fn = this.#functions.get(callee.text);
        return fn?.type ? this.types.resolve(fn.type) : undefined;
      }
      if (ts.isPropertyAccessExpression(callee)) {
        const target = callee.expression;
        if (target.kind === ts.SyntaxKind.ThisKeyword && frame.cls) {
          const m = frame.cls.members.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && x.name.getText() === callee.name.text);
          return m?.type ? this.types.resolve(m.type) : undefined;
        }
        if (ts.isPropertyAccessExpression(target)) {
          const map = frame.state.maps.get(target.name.text);
          if (map) return callee.name.text === "lookup" ? { tag: "ptr", to: map.value } : intT("i64");
        }
      }
      return undefined;
    }
    if (ts.isPrefixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.ExclamationToken) return intT("bool");
      if (node.operator === ts.SyntaxKind.MinusToken && (ts.isNumericLiteral(node.operand) || ts.isBigIntLiteral(node.operand))) {
        const v = -BigInt(ts.isBigIntLiteral(node.operand) ? node.operand.text.slice(0, -1) : node.operand.text);
        return intT(expected?.tag === "int" ? expected.kind : C.literalKind(v, ts.isBigIntLiteral(node.operand)) ?? "i64");
      }
      const inner = this.#staticKind(frame, node.operand, undefined);
      if (!inner) return undefined;
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) return intT(inner);
      return intT(C.promote(inner));
    }
    if (ts.isPostfixUnaryExpression(node)) return this.#staticType(frame, node.operand, undefined);
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (COMPARE[op] || op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) return intT("bool");
      if (op === ts.SyntaxKind.EqualsToken || COMPOUND[op]) return this.#staticType(frame, node.left, undefined);
      const a = this.#staticKind(frame, node.left, undefined);
      const b = this.#staticKind(frame, node.right, undefined);
      if (!a || !b) return undefined;
      const bop = BINARY[op];
      if (bop === "<<" || bop === ">>") return intT(C.promote(a));
      if (bop === ">>>") return intT(C.unsignedOf(C.promote(a)));
      return intT(C.usualArithmetic(a, b));
    }
    if (ts.isConditionalExpression(node)) {
      const a = this.#staticKind(frame, node.whenTrue, expected);
      const b = this.#staticKind(frame, node.whenFalse, expected);
      if (!a || !b) return this.#staticType(frame, node.whenTrue, expected);
      if (isLiteral(node.whenTrue) && isLiteral(node.whenFalse) && expected?.tag === "int") return expected;
      return intT(C.usualArithmetic(a, b));
    }
    return undefined;
  }

  #identifier(frame: Frame, node: ts.Identifier, expected: EType | undefined): Value {
    const slot = this.#lookupSlot(frame, node.text);
    if (slot?.kind === "ptr") return slot.value;
    if (slot?.kind === "mem") return this.#load(slot.place);
    if (node.text === "undefined") return { t: "ptr", place: null, to: { tag: "void" } };
    const constant = this.#constants.get(node.text);
    if (constant?.initializer) {
      const known = this.#constantValues.get(constant);
      if (known) return known;
      const type = constant.type ? this.types.resolve(constant.type) : undefined;
      const value = this.#expr({ scopes: [new Map()], returnType: intT("i32"), cls: undefined, state: frame.state }, constant.initializer, type ?? expected);
      const converted = type ? this.#convertTo(value, type, constant) : value;
      this.#constantValues.set(constant, converted);
      return converted;
    }
    throw new EvalError(`unknown name ${node.text}`, node);
  }

  #constantInt(node: ts.Expression, kind?: C.Kind): C.Int {
    const frame: Frame = { scopes: [new Map()], returnType: intT("i32"), cls: undefined, state: { globals: new Map(), maps: new Map() } };
    return this.#toInt(this.#expr(frame, node, kind ? intT(kind) : undefined), node);
  }

  /** `E.member` of a module enum: an i32 (C's enum constants are ints), or the declared values. */
  #enumMember(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): Value | undefined {
    if (!ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.expression)) return undefined;
    const e = this.#enums.get(node.expression.text);
    if (!e) return undefined;
    let next = 0n;
    for (const m of e.members) {
      const value = m.initializer ? this.#constantInt(m.initializer).v : next;
      if (m.name.getText() === node.name.text) {
        const k = C.literalKind(value, m.initializer ? ts.isBigIntLiteral(m.initializer) : false) ?? "i64";
        return { t: "int", k, v: value };
      }
      next = value + 1n;
    }
    throw new EvalError(`no member ${node.name.text} in enum ${e.name.text}`, node);
  }

  #prefix(frame: Frame, node: ts.PrefixUnaryExpression, expected: EType | undefined): Value {
    switch (node.operator) {
      case ts.SyntaxKind.PlusPlusToken:
      case ts.SyntaxKind.MinusMinusToken:
        return this.#increment(frame, node.operand, node.operator === ts.SyntaxKind.PlusPlusToken, true, node);
      case ts.SyntaxKind.ExclamationToken:
        return this.#intValue(C.bool(!this.#truthy(frame, node.operand)));
      case ts.SyntaxKind.MinusToken:
        if (ts.isNumericLiteral(node.operand) || ts.isBigIntLiteral(node.operand)) {
          const text = node.operand.text;
          const isBig = ts.isBigIntLiteral(node.operand);
          return this.#literal(-BigInt(isBig ? text.slice(0, -1) : text), isBig, expected, node);
        }
        return this.#intValue(C.unary("-", this.#toInt(this.#expr(frame, node.operand), node)));
      case ts.SyntaxKind.TildeToken:
        return this.#intValue(C.unary("~", this.#toInt(this.#expr(frame, node.operand), node)));
      case ts.SyntaxKind.PlusToken:
        return this.#intValue(C.unary("+", this.#toInt(this.#expr(frame, node.operand), node)));
    }
    throw new EvalError("unknown prefix operator", node);
  }

  #increment(frame: Frame, operand: ts.Expression, up: boolean, prefix: boolean, node: ts.Node): Value {
    const place = this.#place(frame, operand);
    if (place.type.tag !== "int") throw new EvalError("++/-- on a non-integer", node);
    const old = readInt(place.mem, place.off, place.type.kind);
    const one: C.Int = C.wide(old.k) ? { k: "i64", v: 1n } : { k: "i32", v: 1n };
    const next = C.convert(C.binary(up ? "+" : "-", old, one), place.type.kind);
    writeInt(place.mem, place.off, next.k, next.v);
    return this.#intValue(prefix ? next : old);
  }

  #binary(frame: Frame, node: ts.BinaryExpression): Value {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.#intValue(C.bool(this.#truthy(frame, node.left) && this.#truthy(frame, node.right)));
    if (op === ts.SyntaxKind.BarBarToken) return this.#intValue(C.bool(this.#truthy(frame, node.left) || this.#truthy(frame, node.right)));
    if (op === ts.SyntaxKind.EqualsToken) {
      if (ts.isIdentifier(node.left)) {
        const slot = this.#lookupSlot(frame, node.left.text);
        if (slot?.kind === "ptr") {
          slot.value = this.#convertTo(this.#expr(frame, node.right, { tag: "ptr", to: slot.value.to }), { tag: "ptr", to: slot.value.to }, node) as PtrVal;
          return slot.value;
        }
      }
      const place = this.#place(frame, node.left);
      const value = this.#expr(frame, node.right, place.type);
      this.#store(place, value, node);
      return this.#load(place);
    }
    const compound = COMPOUND[op];
    if (compound) {
      const place = this.#place(frame, node.left);
      if (place.type.tag !== "int") throw new EvalError("compound assignment to a non-integer", node);
      const old = readInt(place.mem, place.off, place.type.kind);
      const right = this.#toInt(this.#expr(frame, node.right), node.right);
      const next = C.convert(C.binary(compound, old, right), place.type.kind);
      writeInt(place.mem, place.off, next.k, next.v);
      return this.#intValue(next);
    }
    const cmp = COMPARE[op];
    if (cmp) {
      const a = this.#expr(frame, node.left);
      const b = this.#expr(frame, node.right);
      if (a.t === "ptr" || b.t === "ptr") {
        const pa = a.t === "ptr" ? a.place : undefined;
        const pb = b.t === "ptr" ? b.place : undefined;
        const same = (pa?.mem === pb?.mem && pa?.off === pb?.off) || (pa === null && pb === null) || (pa === null && b.t === "int" && b.v === 0n);
        return this.#intValue(C.bool(cmp === "==" ? same : !same));
      }
      return this.#intValue(C.bool(C.compare(cmp, this.#toInt(a, node.left), this.#toInt(b, node.right))));
    }
    const bop = BINARY[op];
    if (bop) {
      const a = this.#toInt(this.#expr(frame, node.left), node.left);
      const b = this.#toInt(this.#expr(frame, node.right), node.right);
      return this.#intValue(C.binary(bop, a, b));
    }
    throw new EvalError(`the evaluator does not model '${node.operatorToken.getText()}'`, node);
  }

  #object(frame: Frame, node: ts.ObjectLiteralExpression, expected: EType | undefined): Value {
    if (expected?.tag !== "struct") throw new EvalError("an object literal needs a struct type from its context", node);
    const bytes = new Uint8Array(expected.size);
    for (const p of node.properties) {
      if (ts.isSpreadAssignment(p)) {
        const v = this.#expr(frame, p.expression, expected);
        if (v.t !== "agg") throw new EvalError("spread of a non-struct", p);
        bytes.set(v.bytes.subarray(0, expected.size));
        continue;
      }
      const name = p.name?.getText();
      const field = expected.fields.find((f) => f.name === name);
      if (!field) throw new EvalError(`no field ${name}`, p);
      const init = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
      if (!init) throw new EvalError("unsupported object member", p);
      const place: Place = { mem: bytes, off: field.offset, type: field.type };
      if (field.type.tag === "array" && field.type.chars && ts.isStringLiteralLike(init)) {
        bytes.fill(0, field.offset, field.offset + field.type.length);
        bytes.set(new TextEncoder().encode(init.text).subarray(0, field.type.length), field.offset);
        continue;
      }
      this.#store(place, this.#expr(frame, init, field.type), p);
    }
    return { t: "agg", type: expected, bytes };
  }

  // ---- calls ----

  #call(frame: Frame, node: ts.CallExpression, expected: EType | undefined): Value {
    const callee = node.expression;
    if (ts.isIdentifier(callee)) {
      if (callee.text === "zero" && node.arguments.length === 0) {
        if (!expected || expected.tag === "void" || expected.tag === "ptr") throw new EvalError("zero() needs a struct or array type from its context", node);
        if (expected.tag === "int") return { t: "int", k: expected.kind, v: 0n };
        return { t: "agg", type: expected, bytes: new Uint8Array(sizeOf(expected)) };
      }
      if (C.isKind(callee.text) && node.arguments.length === 1) {
        return this.#intValue(C.convert(this.#toInt(this.#expr(frame, node.arguments[0]!), node), callee.text));
      }
      const fn = this.#functions.get(callee.text);
      if (fn) return this.#invoke(frame, fn, node, undefined);
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const target = callee.expression;
      if (target.kind === ts.SyntaxKind.ThisKeyword && frame.cls) {
        const m = frame.cls.members.find((x): x is ts.MethodDeclaration => ts.isMethodDeclaration(x) && x.name.getText() === callee.name.text);
        if (m) return this.#invoke(frame, m, node, frame.cls);
      }
      if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const map = frame.state.maps.get(target.name.text);
        if (map) return this.#mapCall(frame, map, callee.name.text, node);
      }
      if (ts.isIdentifier(target) && target.text === "bpf") throw new EvalError(`the helper bpf.${callee.name.text} is not modelled`, node);
    }
    throw new EvalError(`the evaluator cannot call '${callee.getText()}'`, node);
  }

  #invoke(frame: Frame, fn: ts.FunctionDeclaration | ts.MethodDeclaration, call: ts.CallExpression, cls: ts.ClassDeclaration | undefined): Value {
    if (!fn.body) throw new EvalError("a function without a body", call);
    const inner: Frame = { scopes: [new Map()], returnType: fn.type ? this.types.resolve(fn.type) : { tag: "void" }, cls, state: frame.state };
    fn.parameters.forEach((p, i) => {
      const type = this.types.resolve(p.type!);
      const arg = call.arguments[i];
      if (!arg) throw new EvalError(`missing argument ${p.name.getText()}`, call);
      const value = this.#expr(frame, arg, type);
      inner.scopes[0]!.set(p.name.getText(), this.#newSlot(type, value, arg));
    });
    const c = this.#block(inner, fn.body.statements);
    if (c?.type === "return" && c.value) return c.value;
    return { t: "int", k: "i32", v: 0n };
  }

  #bytesOf(frame: Frame, node: ts.Expression, type: EType): Uint8Array {
    const place: Place = { mem: new Uint8Array(sizeOf(type)), off: 0, type };
    this.#store(place, this.#expr(frame, node, type), node);
    return place.mem;
  }

  #mapCall(frame: Frame, map: MapState, method: string, node: ts.CallExpression): Value {
    const keyBytes = this.#bytesOf(frame, node.arguments[0]!, map.key);
    const key = keyOf(keyBytes, 0, keyBytes.length);
    const status = (v: bigint): Value => ({ t: "int", k: "i64", v });
    switch (method) {
      case "lookup": {
        const value = map.entries.get(key);
        return { t: "ptr", place: value ? { mem: value, off: 0, type: map.value } : null, to: map.value };
      }
      case "update": {
        const value = this.#bytesOf(frame, node.arguments[1]!, map.value);
        const flags = node.arguments[2] ? this.#toInt(this.#expr(frame, node.arguments[2], intT("u64")), node).v : 0n;
        const present = map.entries.get(key);
        if (flags > 2n) return status(-ERRNO.EINVAL);
        // The kernel's array_map_update_elem: an index past the end is E2BIG, and every index
        // exists, so BPF_NOEXIST is EEXIST.
        if (map.array && !present) return status(-ERRNO.E2BIG);
        if (flags === 1n && present) return status(-ERRNO.EEXIST);
        if (flags === 2n && !present) return status(-ERRNO.ENOENT);
        if (present) present.set(value); // in place: pointers into the value see the update
        else if (map.entries.size >= map.maxEntries) return status(-ERRNO.E2BIG);
        else map.entries.set(key, value);
        return status(0n);
      }
      case "delete":
        if (map.array) return status(-ERRNO.EINVAL); // array elements cannot be deleted
        return status(map.entries.delete(key) ? 0n : -ERRNO.ENOENT);
      case "increment": {
        // bcc's increment: a missing key starts at zero (unless the map is full), then an add that
        // wraps at the value's width.
        if (map.value.tag !== "int") throw new EvalError("increment needs integer values", node);
        const kind = map.value.kind;
        const by = node.arguments[1] ? this.#toInt(this.#expr(frame, node.arguments[1], map.value), node).v : 1n;
        let value = map.entries.get(key);
        if (!value && map.entries.size < map.maxEntries) map.entries.set(key, (value = new Uint8Array(sizeOf(map.value))));
        if (value) writeInt(value, 0, kind, C.wrap(readInt(value, 0, kind).v + by, kind));
        return status(0n);
      }
    }
    throw new EvalError(`the map method ${method} is not modelled`, node);
  }
}

function isLiteral(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isLiteral(node.expression);
  if (ts.isNumericLiteral(node) || ts.isBigIntLiteral(node)) return true;
  return ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && isLiteral(node.operand);
}

export { sizeOf } from "./types.js";
