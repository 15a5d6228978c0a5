/**
 * Running a loaded program on chosen input: BPF_PROG_TEST_RUN (kernel 4.12; raw_tp 5.10;
 * syscall programs 5.14). The context may be given as bytes or, when the object has BTF, as a
 * plain value of the program's context type (the pointee of its first parameter in its BTF
 * FUNC_PROTO), which is encoded before the run and decoded again after it.
 *
 * What each program type accepts (from the kernel's bpf_prog_test_run_* functions):
 * - syscall: `ctx` only (no data, no repeat); the kernel copies the context back into the
 *   caller's buffer, so `ctxOut` is what the program left there.
 * - raw_tp: `ctx` only (the arguments as a u64 array), no repeat, no write-back.
 * - struct_ops (bpf_dummy_ops only, 5.16): the member's arguments as a u64 array, exactly as
 *   many as it takes; the first is the address of a `struct bpf_dummy_ops_state` the kernel
 *   copies in and back out (pass a Uint8Array: the kernel writes the program's changes into it)
 *   or 0 for NULL.
 * - xdp, tc, socket filter, cgroup_skb, flow dissector: `data` (the packet), `repeat`, and
 *   `ctx`/`ctxOutSize` for their uapi context structs.
 */
import type { Btf, ProgramSpec } from "@tsbpf/object";
import { decodeValue, encodeValue } from "../btf-values/index.js";
import { skipModifiers } from "../btf/query.js";
import { BpfError, ObjectError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { door } from "../sys/door.js";
import { progTestRun } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import type { Fd } from "../sys/fd.js";
import { ProgType } from "./types.js";

export interface TestRunOptions {
  /** Packet data (xdp, tc, socket filter, ...). */
  data?: Uint8Array;
  /** Room for the output packet in bytes (default: the input's size). */
  dataOutSize?: number;
  /**
   * The context: raw bytes, or a value of the program's context type (syscall programs: the
   * struct the program receives; raw_tp: `{ args: [...] }`), encoded from the object's BTF.
   */
  ctx?: Uint8Array | object;
  /**
   * raw_tp and struct_ops programs: the arguments, laid out as a u64 array context. A Uint8Array
   * is passed by its address (bpf_dummy_ops' state pointer: the kernel reads and writes it).
   */
  args?: readonly (bigint | number | Uint8Array)[];
  /** Room for the output context (program types with a separate output context: skb, xdp). */
  ctxOutSize?: number;
  /** Runs the program this many times (the duration is the average); not for syscall and raw_tp. */
  repeat?: number;
  flags?: number;
  cpu?: number;
}

export interface TestRunOutput {
  /** The program's return value (r0 truncated to u32, as the kernel reports it). */
  retval: number;
  /** Average run time in nanoseconds (0 for program types that do not time their runs). */
  duration: number;
  /** The packet after the run, when `data` was given. */
  dataOut?: Uint8Array;
  /**
   * The context after the run: decoded like the input when `ctx` was a value, bytes when it was
   * bytes (syscall programs always write back; others when `ctxOutSize` asked for it).
   */
  ctxOut?: unknown;
}

/** What a program needs to run: its fd, program type and spec, and the object's BTF. */
export interface RunnableProgram {
  readonly fd: Fd;
  readonly type: number;
  readonly spec: ProgramSpec;
  readonly btf: Btf | undefined;
}

/** The BTF id of the struct a program's context parameter points to, if its BTF says. */
export function contextTypeId(btf: Btf, spec: ProgramSpec): number | undefined {
  const entry = spec.funcInfo.find((f) => f.instruction === 0);
  if (!entry) return undefined;
  const [, func] = skipModifiers(btf, entry.typeId);
  if (func?.kind !== "func") return undefined;
  const [, proto] = skipModifiers(btf, func.type);
  if (proto?.kind !== "func_proto" || proto.params.length === 0) return undefined;
  const [, ptr] = skipModifiers(btf, proto.params[0]!.type);
  if (ptr?.kind !== "ptr" || ptr.type === 0) return undefined;
  return ptr.type;
}

function argsContext(args: readonly (bigint | number | Uint8Array)[]): Uint8Array {
  const ctx = new Uint8Array(args.length * 8);
  const view = new DataView(ctx.buffer);
  args.forEach((a, i) => view.setBigUint64(i * 8, a instanceof Uint8Array ? door().addressOf(a) : BigInt.asUintN(64, BigInt(a)), littleEndian));
  return ctx;
}

/** Program types whose test run takes a packet that starts with an Ethernet header (net/bpf/test_run.c). */
const ethernetPacketTypes = new Set<number>([
  ProgType.SOCKET_FILTER, ProgType.SCHED_CLS, ProgType.SCHED_ACT, ProgType.CGROUP_SKB, ProgType.XDP,
  ProgType.LWT_IN, ProgType.LWT_OUT, ProgType.LWT_XMIT, ProgType.LWT_SEG6LOCAL, ProgType.FLOW_DISSECTOR,
]);
/** ETH_HLEN: the kernel refuses a shorter packet with a bare EINVAL. */
const ETH_HLEN = 14;

export function testRun(program: RunnableProgram, options: TestRunOptions = {}): TestRunOutput {
  if (options.data && ethernetPacketTypes.has(program.type) && options.data.byteLength < ETH_HLEN) {
    throw new BpfError(
      `program ${program.spec.name}: a test run's packet must hold at least an Ethernet header (${ETH_HLEN} bytes); ` +
        `got ${options.data.byteLength} (pad it, e.g. with a zeroed 14-byte header in front)`,
    );
  }
  let ctx: Uint8Array | undefined;
  let ctxType: number | undefined;
  if (options.args) ctx = argsContext(options.args);
  else if (options.ctx instanceof Uint8Array) ctx = options.ctx;
  else if (options.ctx !== undefined) {
    ctxType = program.btf && contextTypeId(program.btf, program.spec);
    if (ctxType === undefined) {
      throw new ObjectError(`program ${program.spec.name} has no BTF context type: pass its context as a Uint8Array`, { section: program.spec.section });
    }
    ctx = encodeValue(program.btf!, ctxType, options.ctx);
  }
  const writesBack = program.type === ProgType.SYSCALL;
  const dataOut = options.data ? new Uint8Array(options.dataOutSize ?? options.data.byteLength) : undefined;
  const ctxOut = !writesBack && options.ctxOutSize ? new Uint8Array(options.ctxOutSize) : undefined;
  // The kernel writes a syscall program's context back into the input buffer: give it a copy.
  const ctxIn = writesBack && ctx ? ctx.slice() : ctx;
  let r: ReturnType<typeof progTestRun>;
  try {
    r = progTestRun(program.fd, { data: options.data, dataOut, ctx: ctxIn, ctxOut, repeat: options.repeat, flags: options.flags, cpu: options.cpu });
  } catch (error) {
    if (program.type === ProgType.STRUCT_OPS && error instanceof BpfError && error.errno === Errno.EINVAL) {
      // bpf_dummy_ops' test run (net/bpf/bpf_dummy_struct_ops.c): exactly the member's arguments,
      // and no 0 for a pointer the member does not mark nullable (6.10+).
      throw new BpfError(
        `program ${program.spec.name}: the kernel refused the struct_ops test run's arguments (EINVAL): pass exactly as many as the member takes, ` +
          "and a buffer (not 0) for each pointer argument the member does not mark nullable (e.g. bpf_dummy_ops' state in test_2)",
        { errno: Errno.EINVAL, syscall: "BPF_PROG_TEST_RUN", cause: error },
      );
    }
    throw error;
  }
  const out: TestRunOutput = { retval: r.retval, duration: r.duration };
  if (dataOut) out.dataOut = dataOut.subarray(0, r.dataSizeOut);
  const ctxBytes = writesBack ? ctxIn : ctxOut?.subarray(0, r.ctxSizeOut);
  if (ctxBytes) {
    out.ctxOut = ctxType === undefined ? ctxBytes : decodeValue(program.btf!, ctxType, ctxBytes);
  }
  return out;
}
