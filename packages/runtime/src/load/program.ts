/**
 * `BpfProgram`: one loaded program, and `loadProgram`, which loads it: the verifier runs first
 * without a log (fast, and a log that does not fit would turn success into ENOSPC), and on
 * failure again with a log (level 1, growing up to 16 MiB) that becomes a VerifierError pointing
 * at the TypeScript line.
 */
import { encodeInstructions, type Btf, type BtfStringTable, type ProgramSpec } from "@tsbpf/object";
import { BpfError, NotSupportedError, ObjectError, PermissionError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { progLoadRaw, objGetInfo, objPin, type ProgLoadAttr } from "../sys/bpf.js";
import { missingCapability } from "../sys/capabilities.js";
import { Errno, errnoName } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { readTextFile } from "../sys/files.js";
import { lockdownMode } from "../sys/lockdown.js";
import { attachProgram, USDT_SPECS_MAP, type AttachOptions } from "../links/attach.js";
import { IterLink } from "../links/iter.js";
import type { Link } from "../links/link.js";
import type { BpfMap } from "../maps/map.js";
import { attachBtfId } from "./attach-target.js";
import { freplaceTarget } from "./freplace-target.js";
import { funcInfoRecords, lineInfoRecords } from "./ext-info.js";
import { programKind, type ProgramKind } from "./sections.js";
import { testRun, type TestRunOptions, type TestRunOutput } from "./test-run.js";

export type { TestRunOptions, TestRunOutput } from "./test-run.js";
import { AttachType, ProgType, progTypeName } from "./types.js";
import { verifierError } from "./verifier-log.js";

const MAX_LOG = 16 << 20;

/** Hooks whose section can name everything attaching needs (libbpf's auto-attach). */
const autoAttachHooks = new Set(["tracepoint", "raw_tracepoint", "kprobe", "kretprobe", "uprobe", "uretprobe", "usdt", "tracing", "lsm"]);
const FIRST_LOG = 1 << 20;

export interface ProgramLoadOptions {
  /** Verifier log level for every load (1 = instructions, 2 = states); the log is kept on `verifierLog`. */
  logLevel?: number;
  /** Initial log buffer size in bytes (grown up to 16 MiB when the kernel needs more). */
  logSize?: number;
  /**
   * freplace programs: the loaded program whose global function they replace (libbpf's
   * attach_prog_fd, `bpf_program__set_attach_target`); the function is the section's
   * (`freplace/<function>`, `@freplace("<function>")`). Kernel 5.6.
   */
  freplaceTarget?: Fd | number;
}

export interface ProgramInfo {
  id: number;
  type: number;
  /** The kernel's hex tag (a hash of the instructions). */
  tag: string;
  name: string;
  /** Instructions the verifier processed (kernel 5.16). */
  verifiedInstructions: number;
  runCount: bigint;
  runTimeNs: bigint;
}

/**
 * One loaded (verified) program: its descriptor, its kernel info, test runs
 * (`BPF_PROG_TEST_RUN`) and pinning. A failed load throws a VerifierError at the TypeScript line.
 */
export class BpfProgram {
  readonly name: string;
  readonly section: string;
  readonly kind: ProgramKind;
  readonly fd: Fd;
  /** The verifier's log when a logLevel was asked for ("" otherwise). */
  readonly verifierLog: string;
  readonly spec: ProgramSpec;
  /** The object's BTF (context types for `testRun`), when it has any. */
  readonly btf: Btf | undefined;

  constructor(spec: ProgramSpec, kind: ProgramKind, fd: Fd, verifierLog: string, btf?: Btf) {
    this.btf = btf;
    this.spec = spec;
    this.name = spec.name;
    this.section = spec.section;
    this.kind = kind;
    this.fd = fd;
    this.verifierLog = verifierLog;
  }

  /** `enum bpf_prog_type`. */
  get type(): number {
    return this.kind.progType;
  }

  /** Whether the section names a hook completely (so that `attach()` knows where to attach it). */
  get attachable(): boolean {
    return autoAttachHooks.has(this.kind.hook) && this.kind.target !== "" && !(this.kind.hook === "uprobe" || this.kind.hook === "uretprobe" ? !this.kind.target.includes(":") : false);
  }

  /**
   * Attaches the program to the hook its section names and returns the link (close it to
   * detach). Hooks that need more than the section says take it in `options` (see
   * AttachOptions: an interface for xdp/tc, a cgroup, a binary and symbol for uprobes, an event
   * for perf_event, ...). Kernels: tracepoint/kprobe/uprobe/usdt/perf_event 5.15; raw_tp 4.17;
   * tp_btf/fentry/fexit 5.5; lsm 5.7; iterators 5.8; cgroup links 5.7; xdp links 5.9; netns
   * (flow_dissector) links 5.8; tcx and uprobe.multi 6.6; classic tc 4.5; socket filters 3.19.
   */
  attach(options: AttachOptions = {}): Link {
    const specs = this.#maps?.get(USDT_SPECS_MAP);
    return attachProgram(
      { program: this.name, progFd: this.fd.raw, section: this.section, kind: this.kind, usdtSpecs: specs && { fd: specs.fd, maxEntries: specs.maxEntries } },
      options,
    );
  }

  /**
   * `attach()` for an iterator program (`@iter`, section `iter/<target>`), typed as the
   * `IterLink` it returns: `read()`, `text()`, `lines()`, `records(size)` run the iterator and
   * return what the program wrote with `bpf.seqWrite`/`bpf.seqPrintf`. Kernel 5.8.
   */
  attachIter(options: AttachOptions = {}): IterLink {
    if (this.kind.expectedAttachType !== AttachType.TRACE_ITER) {
      throw new ObjectError(`${this.name}: attachIter() needs an iterator program (section iter/<target>), not ${this.section}; use attach()`);
    }
    return this.attach(options) as IterLink;
  }

  #maps: ReadonlyMap<string, BpfMap> | undefined;

  /** @internal The object's maps, for hooks that need one (USDT specs). */
  bindMaps(maps: ReadonlyMap<string, BpfMap>): void {
    this.#maps = maps;
  }

  /**
   * Runs the program once (or `repeat` times) in the kernel on chosen input: BPF_PROG_TEST_RUN.
   * Kernel 4.12; raw_tp 5.10; syscall programs 5.14. The context may be a value of the
   * program's context type (encoded from the object's BTF); see ./test-run.ts for what each
   * program type accepts.
   */
  testRun(options: TestRunOptions = {}): TestRunOutput {
    return testRun(this, options);
  }

  /** The kernel's view of the program (BPF_OBJ_GET_INFO_BY_FD). Kernel 4.13. */
  info(): ProgramInfo {
    const buf = new Uint8Array(232);
    objGetInfo(this.fd, buf);
    const v = new DataView(buf.buffer);
    const name = buf.subarray(64, 80);
    const end = name.indexOf(0);
    return {
      type: v.getUint32(0, littleEndian),
      id: v.getUint32(4, littleEndian),
      tag: Buffer.from(buf.subarray(8, 16)).toString("hex"),
      name: new TextDecoder().decode(end < 0 ? name : name.subarray(0, end)),
      verifiedInstructions: v.getUint32(216, littleEndian),
      runTimeNs: v.getBigUint64(192, littleEndian),
      runCount: v.getBigUint64(200, littleEndian),
    };
  }

  /** Pins the program on bpffs. Kernel 4.4. */
  pin(path: string): void {
    objPin(this.fd, path);
  }

  close(): void {
    this.fd.close();
  }
}

/** LINUX_VERSION_CODE of the running kernel (kprobe programs on kernels before 5.0 must carry it). */
function kernelVersionCode(): number {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(process.platform === "linux" ? (readTextFile("/proc/sys/kernel/osrelease") ?? "") : "");
  if (!m) return 0;
  return (Number(m[1]) << 16) + (Number(m[2]) << 8) + Math.min(Number(m[3] ?? 0), 255);
}

/** The error for a failed load, given the log of the retry. */
/** Program types a kernel has only with a build option: without it, BPF_PROG_LOAD says EINVAL, without a log. */
const configGatedTypes: Partial<Record<number, string>> = {
  [ProgType.LIRC_MODE2]: "CONFIG_BPF_LIRC_MODE2",
};

function loadFailure(program: ProgramSpec, kind: ProgramKind, errno: number, log: string): BpfError {
  if (errno === Errno.EPERM) {
    const missing = missingCapability("CAP_BPF") ?? (kind.progType === ProgType.TRACEPOINT || kind.progType === ProgType.KPROBE ? missingCapability("CAP_PERFMON") : undefined);
    if (missing) return new PermissionError(`loading program ${program.name}`, missing, { errno, syscall: "BPF_PROG_LOAD" });
    const lockdown = lockdownMode();
    if (kind.hook === "tracing" || kind.hook === "lsm" || kind.progType === ProgType.TRACING) {
      return new NotSupportedError(
        `loading ${program.section}`,
        lockdown && lockdown !== "none"
          ? `the kernel is locked down (${lockdown} mode), which refuses ${progTypeName(kind.progType)} programs even to root`
          : "the kernel refused it with EPERM although the process is privileged",
        { errno, syscall: "BPF_PROG_LOAD", remedy: "use a tracepoint or raw_tp hook, or a kernel that is not locked down" },
      );
    }
  }
  if (log.trim()) return verifierError(program.name, errno, log, program.lineInfo);
  const option = configGatedTypes[kind.progType];
  if (errno === Errno.EINVAL && option) {
    return new NotSupportedError(`${progTypeName(kind.progType)} program ${program.name}`, `the kernel does not know this program type (it is built without ${option})`, { errno, syscall: "BPF_PROG_LOAD" });
  }
  if (errno === Errno.EINVAL && kind.progType === ProgType.SYSCALL) {
    return new NotSupportedError(`syscall program ${program.name}`, "the kernel refused BPF_PROG_TYPE_SYSCALL", { remedy: "needs Linux 5.14", errno, syscall: "BPF_PROG_LOAD" });
  }
  return new BpfError(`loading program ${program.name} (${program.section}) failed: ${errnoName(errno)} (the kernel gave no verifier log)`, { errno, syscall: "BPF_PROG_LOAD" });
}

export interface ProgramLoadContext {
  btfFd?: number;
  /** The object's BTF, kept on the program for `testRun` values. */
  btf?: Btf;
  strings?: BtfStringTable;
  license: string;
  /** struct_ops programs: the kernel struct's BTF id and the member's index (what they implement). */
  structOps?: { typeId: number; memberIndex: number };
}

/** Loads one program whose map references are already resolved (`instructions`). */
export function loadProgram(program: ProgramSpec, instructions: ProgramSpec["instructions"], ctx: ProgramLoadContext, options: ProgramLoadOptions = {}): BpfProgram {
  const kind = programKind(program.section);
  const attr: ProgLoadAttr = {
    type: kind.progType,
    insns: encodeInstructions(instructions),
    license: ctx.license,
    name: program.name,
    expectedAttachType: kind.expectedAttachType,
    flags: kind.flags,
  };
  if (kind.progType === ProgType.KPROBE) attr.kernVersion = kernelVersionCode();
  if (kind.progType === ProgType.EXT) {
    const target = freplaceTarget(program.section, kind.target, options.freplaceTarget);
    attr.attachBtfObjFd = target.progFd;
    attr.attachBtfId = target.btfId;
  } else if (kind.needsAttachBtfId) attr.attachBtfId = attachBtfId(program.section, kind);
  if (kind.progType === ProgType.STRUCT_OPS && !ctx.structOps) {
    throw new ObjectError(`struct_ops program ${program.name} implements no member of any struct_ops variable (no relocation in .struct_ops points at it)`, { section: program.section });
  }
  if (ctx.structOps) {
    attr.attachBtfId = ctx.structOps.typeId;
    attr.expectedAttachType = ctx.structOps.memberIndex;
  }
  if (ctx.btfFd !== undefined && ctx.strings) {
    attr.btfFd = ctx.btfFd;
    if (program.funcInfo.length) attr.funcInfo = funcInfoRecords(program);
    if (program.lineInfo.length) attr.lineInfo = lineInfoRecords(program, ctx.strings);
    // CO-RE relocations were applied in user space (core/relocate.ts) before this.
  }

  let logLevel = options.logLevel ?? 0;
  let logSize = logLevel ? Math.max(options.logSize ?? FIRST_LOG, 1024) : 0;
  let outcome = progLoadRaw({ ...attr, logLevel, logSize });
  let retried = logLevel !== 0;
  while (outcome.result < 0) {
    const errno = -outcome.result;
    const truncated = errno === Errno.ENOSPC && logLevel !== 0;
    if (truncated && logSize < MAX_LOG) {
      logSize = Math.min(MAX_LOG, Math.max(outcome.logTrueSize, logSize * 4));
    } else if (!retried && errno !== Errno.EPERM) {
      logLevel = 1;
      logSize = Math.max(options.logSize ?? FIRST_LOG, 1024);
    } else {
      throw loadFailure(program, kind, errno, outcome.log);
    }
    retried = true;
    outcome = progLoadRaw({ ...attr, logLevel, logSize });
  }
  const fd = new Fd(outcome.result, `prog ${program.name}`);
  return new BpfProgram(program, kind, fd, options.logLevel ? outcome.log : "", ctx.btf);
}
