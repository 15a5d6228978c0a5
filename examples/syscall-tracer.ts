// User space for the syscall tracer (examples/syscall-tracer.bpf.ts): reads its variable-length
// records from the perf buffer as bytes and decodes them, the packed sys_context_t first, then
// the typed argument slots (a type byte; an int; a string's length and bytes; a socket address
// whose size its family gives). By default the programs on the sys_enter/sys_exit tracepoints
// trace; with `kprobes` the seed's own kprobes/kretprobes on the system call functions do
// (a kernel with kprobes: not this machine's).
//   npx tsx examples/syscall-tracer.ts [seconds] [pid] [kprobes]
import { pathToFileURL } from "node:url";
import { load, type Link, type LoadedProbe } from "tsbpf";
import {
  INT_T, OPEN_FLAGS_T, SOCKADDR_T, SOCK_DOM_T, SOCK_TYPE_T, STR_T, SYS_CONTEXT_SIZE, SyscallTracer, TASK_COMM_LEN,
} from "./syscall-tracer.bpf.ts";

export type SyscallArg =
  | { type: "int" | "openFlags" | "sockDomain" | "sockType"; value: number }
  | { type: "string"; value: string }
  | { type: "sockaddr"; family: number; address?: string; port?: number; path?: string };

export interface SyscallRecord {
  ts: bigint;
  hostPpid: number;
  hostPid: number;
  ppid: number;
  pid: number;
  uid: number;
  eventId: number;
  argnum: number;
  retval: bigint;
  comm: string;
  args: SyscallArg[];
}

const INT_TYPES: Record<number, "int" | "openFlags" | "sockDomain" | "sockType"> = {
  [INT_T]: "int", [OPEN_FLAGS_T]: "openFlags", [SOCK_DOM_T]: "sockDomain", [SOCK_TYPE_T]: "sockType",
};
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function sockaddr(view: DataView, at: number, bytes: Uint8Array): { arg: SyscallArg; size: number } {
  const family = view.getUint16(at, true);
  if (family === AF_INET) {
    const address = [...bytes.subarray(at + 4, at + 8)].join(".");
    return { arg: { type: "sockaddr", family, address, port: view.getUint16(at + 2, false) }, size: 16 };
  }
  if (family === AF_INET6) {
    const words = [];
    for (let i = 0; i < 8; i++) words.push(view.getUint16(at + 8 + 2 * i, false).toString(16));
    return { arg: { type: "sockaddr", family, address: words.join(":"), port: view.getUint16(at + 2, false) }, size: 28 };
  }
  if (family === AF_UNIX) return { arg: { type: "sockaddr", family, path: cString(bytes.subarray(at + 2, at + 110)) }, size: 110 };
  return { arg: { type: "sockaddr", family }, size: 2 };
}

/** Decodes one record (perf samples come padded with zeros to 8-byte units: a 0 type ends it). */
export function decodeRecord(bytes: Uint8Array): SyscallRecord {
  if (bytes.length < SYS_CONTEXT_SIZE) throw new Error(`a record holds at least ${SYS_CONTEXT_SIZE} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const record: SyscallRecord = {
    ts: view.getBigUint64(0, true),
    hostPpid: view.getUint32(16, true),
    hostPid: view.getUint32(20, true),
    ppid: view.getUint32(24, true),
    pid: view.getUint32(28, true),
    uid: view.getUint32(32, true),
    eventId: view.getUint32(36, true),
    argnum: view.getUint32(40, true),
    retval: view.getBigInt64(44, true),
    comm: cString(bytes.subarray(52, 52 + TASK_COMM_LEN)),
    args: [],
  };
  let at = SYS_CONTEXT_SIZE;
  while (at < bytes.length) {
    const type = bytes[at]!;
    at += 1;
    if (type === 0) break;
    const intType = INT_TYPES[type];
    if (intType) {
      record.args.push({ type: intType, value: view.getInt32(at, true) });
      at += 4;
    } else if (type === STR_T) {
      const length = view.getUint32(at, true);
      record.args.push({ type: "string", value: cString(bytes.subarray(at + 4, at + 4 + length)) });
      at += 4 + length;
    } else if (type === SOCKADDR_T) {
      const { arg, size } = sockaddr(view, at, bytes);
      record.args.push(arg);
      at += size;
    } else {
      throw new Error(`unknown argument type ${type} at byte ${at - 1}`);
    }
  }
  return record;
}

/** The kprobe programs and the system calls they trace. */
const KPROBES = {
  kprobeOpenat: "openat", kretprobeOpenat: "openat", kprobeSocket: "socket", kretprobeSocket: "socket",
  kprobeConnect: "connect", kretprobeConnect: "connect", kprobeExecve: "execve",
} as const;

/**
 * Attaches the seed's kprobes and kretprobes, each to the architecture's function for its
 * system call (`__x64_sys_openat`...), instead of the tracepoints `attach()` would take. Needs a
 * kernel with kprobes (CONFIG_KPROBES; not a locked-down one); elsewhere a NotSupportedError.
 */
export function attachKprobes(tracer: LoadedProbe<SyscallTracer>): Link[] {
  return Object.entries(KPROBES).map(([program, syscall]) => tracer.programs[program as keyof typeof KPROBES].attach({ syscall }));
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  await using tracer = await load(SyscallTracer, { config: { targetPid: Number(process.argv[3] ?? 0) } });
  // Links made by a program's attach() are the caller's to close (attach()'s, the probe's too).
  const links = process.argv[4] === "kprobes" ? attachKprobes(tracer) : tracer.attach();
  const stop = tracer.sys_events.onEvent((bytes) => {
    const r = decodeRecord(bytes);
    console.log(`${r.hostPid} ${r.comm} event=${r.eventId} ret=${r.retval} ${JSON.stringify(r.args)}`);
  }, { raw: true });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stop();
  for (const link of links) link.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
