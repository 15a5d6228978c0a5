/**
 * The probe class base and the decorators that name hooks and globals.
 *
 * Decorators are TypeScript standard decorators: at class definition they only record where the
 * class was written (so that `load(Class)` can find and compile its source). They never run probe
 * code. Everything else about a probe is read from its source by the compiler.
 */

import { definingFile } from "./defining-file.js";

// Decorator metadata needs Symbol.metadata, which Node 20 lacks: the TypeScript, swc and esbuild
// emits use it only when it exists.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for("Symbol.metadata");

/** Metadata key under which decorators store the probe's source file path. */
export const probeSourceKey: unique symbol = Symbol.for("tsbpf.probeSource");

/** Base class of every probe: one class is one BPF object. */
export abstract class Probe {}

export type MethodDecorator = (method: Function, context: ClassMethodDecoratorContext) => void;

/**
 * Thrown when a DSL decorator is called the legacy way (`experimentalDecorators: true`): the DSL's
 * decorators are standard decorators, and the legacy emit calls them with other arguments.
 */
export class LegacyDecoratorsError extends Error {
  constructor(file: string | undefined) {
    super(
      `tsbpf: ${file ?? "a probe class"} was compiled with "experimentalDecorators": true, but tsbpf's decorators ` +
        `are standard (TC39) decorators. Set "experimentalDecorators": false for the probe files, e.g. in a ` +
        `tsconfig.json beside them that extends yours, or move the probes into a folder of their own.`,
    );
    this.name = "LegacyDecoratorsError";
  }
}

/**
 * Records the decorated class's source file (internal: every decorator of the DSL calls it). The
 * file is the caller's, read from V8's structured call sites (dsl/defining-file.ts).
 */
export function recordSource(context: DecoratorContext): void {
  // Legacy decorators pass (target, propertyKey[, descriptor]): the key is a string or symbol.
  if (typeof context !== "object" || context === null || !("kind" in context)) {
    throw new LegacyDecoratorsError(definingFile(recordSource));
  }
  const metadata = context.metadata as Record<symbol, unknown> | undefined;
  if (metadata && !Object.hasOwn(metadata, probeSourceKey)) {
    const file = definingFile(recordSource);
    if (file) metadata[probeSourceKey] = file;
  }
}

/** @internal A method decorator that only records the probe's source file (for other DSL files' decorators). */
export function hook(): MethodDecorator {
  return (_method, context) => recordSource(context);
}

/**
 * `SEC("tracepoint/<category>/<name>")`: a classic tracepoint (see
 * `/sys/kernel/tracing/events/<category>/<name>`). The method takes the tracepoint's record
 * (`SysEnterContext` for `syscalls/sys_enter_*`) and returns 0. Kernel 4.7 (BPF links: 5.15).
 * `@tracepoint()` without its name is `SEC("tracepoint")`: attach it with
 * `probe.programs.x.attach({ tracepoint: "syscalls/sys_enter_openat" })` (bcc's `attach_tracepoint(tp=…)`).
 */
export function tracepoint(): MethodDecorator;
export function tracepoint(category: string, name: string): MethodDecorator;
export function tracepoint(category?: string, name?: string): MethodDecorator {
  void category;
  void name;
  return hook();
}

/**
 * `SEC("raw_tp/<name>")`: a raw tracepoint. The method takes the tracepoint's arguments as raw
 * 64-bit values (`RawTracepointArgs`, or an interface `{ args: FixedArray<u64, N> }`) and returns
 * 0. Attach: kernel 4.17. It also runs with chosen arguments through `testRun({ ctx })`: 5.10.
 */
export function rawTracepoint(name: string): MethodDecorator {
  void name;
  return hook();
}

/**
 * `SEC("raw_tp.w/<name>")`: a writable raw tracepoint (`BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE`),
 * for the few tracepoints the kernel declares writable (`DEFINE_EVENT_WRITABLE`): the first
 * argument points at a buffer the program may write, e.g. `bpf_test_finish`'s `int *err`, the
 * result of every `BPF_PROG_TEST_RUN`, or nbd's request headers. Declare the context as an
 * interface whose first member is a `Ptr` to that buffer (`{ err: Ptr<i32> }`) and write
 * `ctx.err.value`; the kernel checks at attach that the program writes no further than the
 * buffer's size. Attaching to a tracepoint that is not writable fails with EINVAL. Kernel 5.2.
 */
export function rawTracepointWritable(name: string): MethodDecorator {
  void name;
  return hook();
}

/**
 * `SEC("syscall")`: a `BPF_PROG_TYPE_SYSCALL` program. It attaches nowhere: it runs when user
 * space calls `testRun({ ctx })` (BPF_PROG_TEST_RUN), with a pointer to the struct passed as
 * `ctx`, which it may read and write; the kernel copies the struct back afterwards. Its methods
 * are sleepable. Kernel 5.14.
 */
export function syscall(method: Function, context: ClassMethodDecoratorContext): void {
  void method;
  recordSource(context);
}

/**
 * Marks a field as a load-time constant: it lives in `.rodata`, its initialiser is the default,
 * `load(Class, { config: { field: value } })` sets it before the program is verified (so the
 * verifier can prune dead branches), and the kernel program cannot change it.
 */
export function config(_value: undefined, context: ClassFieldDecoratorContext): void {
  recordSource(context);
}

/** The source file of a probe class, as recorded by its decorators (undefined if none ran). */
export function probeSourceOf(probeClass: abstract new () => Probe): string | undefined {
  const metadata = (probeClass as { [Symbol.metadata]?: Record<symbol, unknown> | null })[
    (Symbol as unknown as { metadata: symbol }).metadata as typeof Symbol.metadata
  ];
  const file = metadata?.[probeSourceKey];
  return typeof file === "string" ? file : undefined;
}
