/**
 * The hook table: for every program decorator of the DSL, the ELF section it names (libbpf's
 * section names, which set the program type), how its arguments are read, and what its context
 * parameter is. Adding a program type is adding a row here (and its decorator in
 * packages/tsbpf/src/dsl/probe.ts).
 */
import { ts } from "ts-morph";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import { spanOf } from "./span.js";
import { argsHooks, type ArgsLayout } from "../core/args.js";
import { dslHooks } from "./hooks-dsl.js";

export interface HookContext {
  /** Whether the program may write its context (undefined) or why it may not. */
  readonly?: string;
  /** Whether the method must declare a context parameter. */
  required?: boolean;
  /** The hint shown when the context parameter is not a struct. */
  hint: string;
}

export interface HookDef {
  /** The decorator's name as the DSL exports it. */
  decorator: string;
  /** A sample use, for messages. */
  example: string;
  /** The section name from the decorator's arguments (undefined: the arguments are wrong). */
  section(args: readonly ts.Expression[]): string | undefined;
  context: HookContext;
  /**
   * Programs whose method parameters are the hook's typed arguments (tp_btf, fentry, fexit,
   * kprobe, kretprobe), read from the context at these byte offsets (see compiler/src/core/args.ts).
   */
  args?: ArgsLayout;
}

const IDENT = /^[A-Za-z0-9_]+$/;

/** The string literal arguments, when every argument is one matching IDENT and there are `count`. */
function identArgs(args: readonly ts.Expression[], count: number): string[] | undefined {
  if (args.length !== count) return undefined;
  const out: string[] = [];
  for (const a of args) {
    if (!ts.isStringLiteralLike(a) || !IDENT.test(a.text)) return undefined;
    out.push(a.text);
  }
  return out;
}

export const hooks: readonly HookDef[] = [
  {
    decorator: "tracepoint",
    example: '@tracepoint("syscalls", "sys_enter_write")',
    section: (args) => {
      // `@tracepoint()`: the tracepoint is given at attach({ tracepoint: "category/name" }).
      if (args.length === 0) return "tracepoint";
      const s = identArgs(args, 2);
      return s && `tracepoint/${s[0]}/${s[1]}`;
    },
    context: {
      readonly: "the tracepoint's context is read-only",
      hint: "use SysEnterContext, SysExitContext or an interface describing the tracepoint's record",
    },
  },
  {
    // BPF_PROG_TYPE_RAW_TRACEPOINT: the tracepoint's arguments as a u64 array (kernel 4.17;
    // BPF_PROG_TEST_RUN 5.10).
    decorator: "rawTracepoint",
    example: '@rawTracepoint("sched_switch")',
    section: (args) => {
      const s = identArgs(args, 1);
      return s && `raw_tp/${s[0]}`;
    },
    context: {
      readonly: "a raw tracepoint's arguments are read-only",
      hint: "use RawTracepointArgs, or an interface { args: FixedArray<u64, N> }",
    },
  },
  {
    // BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE: as raw_tp, but the first argument points at a buffer
    // the program may write (kernel 5.2).
    decorator: "rawTracepointWritable",
    example: '@rawTracepointWritable("bpf_test_finish")',
    section: (args) => {
      const s = identArgs(args, 1);
      return s && `raw_tp.w/${s[0]}`;
    },
    context: {
      readonly: "a raw tracepoint's arguments are read-only (write the buffer the first one points at)",
      hint: "use an interface whose first member points at the writable buffer, e.g. { err: Ptr<i32> }",
    },
  },
  {
    // BPF_PROG_TYPE_SYSCALL: runs only through BPF_PROG_TEST_RUN; the context is the caller's
    // struct, copied in and back out (kernel 5.14).
    decorator: "syscall",
    example: "@syscall",
    section: (args) => (args.length === 0 ? "syscall" : undefined),
    context: { hint: "declare an interface for the struct the caller passes in, e.g. (ctx: Args)" },
  },
  ...argsHooks(identArgs),
  ...dslHooks,
];

/** The hook of a decorator name, or undefined when it is not a program decorator. */
export function hookOf(decorator: string): HookDef | undefined {
  return hooks.find((h) => h.decorator === decorator);
}

/** The section named by a decorator's arguments; a TSBPF3005 diagnostic when they do not fit. */
export function hookSection(hook: HookDef, args: readonly ts.Expression[], at: ts.Node): string {
  const section = hook.section(args);
  if (section === undefined) {
    throw new CompileError(Codes.DecoratorArguments, spanOf(at), `these are not the arguments of @${hook.decorator}`, `e.g. ${hook.example}`);
  }
  return section;
}
