/**
 * The runtime's typed errors. Every failure a user can meet is one of these, each saying what
 * happened, where, and what to do about it.
 */
import { errnoMessage, errnoName } from "./sys/errno.js";

/** Base of every runtime error. `errno`/`syscall` are set when a system call failed (else 0/undefined). */
export class BpfError extends Error {
  override name = "BpfError";
  /** Positive errno of the failed call, 0 when the error did not come from a system call. */
  readonly errno: number;
  /** "EINVAL", ...; undefined when errno is 0. */
  readonly code: string | undefined;
  /** The command or call that failed: "BPF_PROG_LOAD", "perf_event_open", ... */
  readonly syscall: string | undefined;

  constructor(message: string, options: { errno?: number; syscall?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errno = Math.abs(options.errno ?? 0);
    this.code = this.errno ? errnoName(this.errno) : undefined;
    this.syscall = options.syscall;
  }

  /** `BpfError` for a failed call, with the kernel's reason in the message. */
  static fromErrno(syscall: string, errno: number, what?: string): BpfError {
    return new BpfError(`${syscall}${what ? ` (${what})` : ""} failed: ${errnoName(errno)}: ${errnoMessage(errno)}`, {
      errno,
      syscall,
    });
  }
}

/** Where a failing instruction came from in the TypeScript source (from the program's line_info). */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, 0 when unknown. */
  column: number;
  /** The source line's text. */
  text: string;
}

export interface VerifierErrorDetails {
  programName: string;
  errno: number;
  /** The verifier's full log (log_level 1 or more). */
  log: string;
  /** The verifier's own sentence for the failure ("R0 invalid mem access 'map_value_or_null'"). */
  reason: string;
  /** Instruction index (8-byte slots) the verifier stopped at, when the log names one. */
  instruction?: number;
  source?: SourceLocation;
  /** A code frame around `source` (already formatted). */
  codeFrame?: string;
  hint?: string;
}

/** The verifier refused a program. The message shows the TypeScript line that failed. */
export class VerifierError extends BpfError {
  override name = "VerifierError";
  readonly programName: string;
  readonly log: string;
  readonly reason: string;
  readonly instruction: number | undefined;
  readonly source: SourceLocation | undefined;
  readonly hint: string | undefined;

  constructor(details: VerifierErrorDetails) {
    super(formatVerifierMessage(details), { errno: details.errno, syscall: "BPF_PROG_LOAD" });
    this.programName = details.programName;
    this.log = details.log;
    this.reason = details.reason;
    this.instruction = details.instruction;
    this.source = details.source;
    this.hint = details.hint;
  }
}

function formatVerifierMessage(d: VerifierErrorDetails): string {
  const lines = [`the verifier rejected program ${d.programName}: ${d.reason}`];
  if (d.source) {
    const col = d.source.column ? `:${d.source.column}` : "";
    lines.push(`  at ${d.source.file}:${d.source.line}${col}` + (d.instruction === undefined ? "" : ` (instruction ${d.instruction})`));
  } else if (d.instruction !== undefined) {
    lines.push(`  at instruction ${d.instruction} (no line info for it)`);
  }
  if (d.codeFrame) lines.push("", d.codeFrame);
  if (d.hint) lines.push("", `hint: ${d.hint}`);
  const tail = d.log.trimEnd().split("\n").slice(-8);
  if (tail.length && tail[0] !== "") lines.push("", "verifier log (last lines; the whole log is on error.log):", ...tail.map((l) => `  ${l}`));
  return lines.join("\n");
}

/** The running kernel cannot do what was asked. */
export class NotSupportedError extends BpfError {
  override name = "NotSupportedError";
  /** What was asked for: "kprobe attach", "ring buffer maps", ... */
  readonly feature: string;
  /** Why it is not available here. */
  readonly reason: string;
  /** What the user can do. */
  readonly remedy: string | undefined;

  constructor(feature: string, reason: string, options: { remedy?: string; errno?: number; syscall?: string; cause?: unknown } = {}) {
    super(`${feature} is not supported here: ${reason}${options.remedy ? ` (${options.remedy})` : ""}`, options);
    this.feature = feature;
    this.reason = reason;
    this.remedy = options.remedy;
  }
}

export type Capability = "CAP_BPF" | "CAP_PERFMON" | "CAP_SYS_ADMIN" | "CAP_NET_ADMIN" | "CAP_DAC_READ_SEARCH";

/** The process lacks a capability the operation needs. */
export class PermissionError extends BpfError {
  override name = "PermissionError";
  readonly capability: Capability;

  constructor(what: string, capability: Capability, options: { errno?: number; syscall?: string; cause?: unknown; detail?: string; remedy?: string } = {}) {
    super(
      `${what} was refused: it needs ${capability}${options.detail ? ` (${options.detail})` : ""}; ` +
        (options.remedy ?? "run as root or grant the capability (e.g. setcap cap_bpf,cap_perfmon+ep on node)"),
      options,
    );
    this.capability = capability;
  }
}

/** The object (ELF or spec) is malformed. */
export class ObjectError extends BpfError {
  override name = "ObjectError";
  /** The ELF section or spec part at fault (".maps", "tracepoint/syscalls/sys_enter_write", ...). */
  readonly section: string | undefined;

  constructor(message: string, options: { section?: string; cause?: unknown } = {}) {
    super(options.section ? `${options.section}: ${message}` : message, { cause: options.cause });
    this.section = options.section;
  }
}

/** A key or value does not fit the map's types. */
export class MapError extends BpfError {
  override name = "MapError";
  /** The map's name, when known. */
  readonly map: string | undefined;

  constructor(message: string, options: { map?: string; errno?: number; syscall?: string; cause?: unknown } = {}) {
    super(options.map ? `map ${options.map}: ${message}` : message, options);
    this.map = options.map;
  }
}
