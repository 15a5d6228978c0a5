// The KubeArmor-style system call tracer of seed 003, written as its C writes it: a packed
// context (sys_context_t), the arguments saved at entry in a hash map keyed by event id and tgid,
// read back at return (load_args), a per-CPU 32 KiB scratch buffer and per-CPU offsets, typed
// argument slots (a type byte, then an int, a string with its length, or a socket address) at
// bounded offsets, and the used slice of the buffer submitted through a perf event array
// (events_perf_submit). The seed hooks kprobes/kretprobes on the system call functions; this
// kernel has no kprobes, so the programs sit on the syscalls' sys_enter/sys_exit tracepoints,
// which carry the same arguments and return value. As in the seed, the event id is the system
// call's number, the record is dropped when the call failed with -ENOENT or -EINPROGRESS, and a
// pointer argument is read at return (KubeArmor's execve, whose memory is gone at return, is
// reported at entry with a return value of 0). KubeArmor's container and policy filters
// (skip_syscall, drop_syscall) become a pid filter: the target process and its children.
// The user-space decoder is examples/syscall-tracer.ts; test/syscall-tracer.test.ts runs both.
import {
  HashMap, PerCpuArray, PerfEventArray, Probe, bpf, config, ksyscall, kretsyscall, tracepoint, u8, u16, u32, u64, i32, i64,
  zero, type CharArray, type FixedArray, type Ptr, type PtRegs, type SysEnterContext, type SysExitContext, type bool,
} from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

export const MAX_BUFFER_SIZE = 32768;
export const MAX_STRING_SIZE = 4096;
/** The largest element save_to_buffer copies: sizeof(struct sockaddr_un). */
export const MAX_ELEMENT_SIZE = 110;
export const DATA_BUF_TYPE = 0;
export const MAX_ARGS = 6;
export const TASK_COMM_LEN = 16;
/** sizeof(sys_context_t), packed. */
export const SYS_CONTEXT_SIZE = 68;

// Argument types (KubeArmor's), one byte per argument in a u64: ARG_TYPEn(type) = type << (8 * n).
export const NONE_T = 0;
export const INT_T = 1;
export const STR_T = 10;
export const SOCKADDR_T = 12;
export const OPEN_FLAGS_T = 13;
export const SOCK_DOM_T = 15;
export const SOCK_TYPE_T = 16;

// Event ids: the x86-64 system call numbers.
export const SYS_OPENAT = 257;
export const SYS_SOCKET = 41;
export const SYS_CONNECT = 42;
export const SYS_EXECVE = 59;

/** ARG_TYPE0(INT_T) | ARG_TYPE1(STR_T) | ARG_TYPE2(OPEN_FLAGS_T) */
const OPENAT_TYPES = 1n | (10n << 8n) | (13n << 16n);
/** ARG_TYPE0(SOCK_DOM_T) | ARG_TYPE1(SOCK_TYPE_T) | ARG_TYPE2(INT_T) */
const SOCKET_TYPES = 15n | (16n << 8n) | (1n << 16n);
/** ARG_TYPE0(INT_T) | ARG_TYPE1(SOCKADDR_T) */
const CONNECT_TYPES = 1n | (12n << 8n);
/** ARG_TYPE0(STR_T) */
const EXECVE_TYPES = 10n;

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const ENOENT = 2n;
const EINPROGRESS = 115n;

/** @packed */
export interface sys_context_t {
  ts: u64;
  pid_id: u32;
  mnt_id: u32;
  host_ppid: u32;
  host_pid: u32;
  ppid: u32;
  pid: u32;
  uid: u32;
  event_id: u32;
  argnum: u32;
  retval: i64;
  comm: CharArray<16>;
}

export interface args_t {
  args: FixedArray<u64, 6>;
}

export interface bufs_t {
  buf: FixedArray<u8, 32768>;
}

export class SyscallTracer extends Probe {
  /** Trace this process and its children (0: every process). */
  @config targetPid: u32 = 0;

  args_map = new HashMap<u64, args_t>({ maxEntries: 10240 });
  bufs = new PerCpuArray<bufs_t>({ maxEntries: 3 });
  bufs_offset = new PerCpuArray<u32>({ maxEntries: 3 });
  /** The context and the loaded arguments: the seed's stack locals, in per-CPU memory so that helpers can copy from them. */
  contexts = new PerCpuArray<sys_context_t>({ maxEntries: 1 });
  loaded = new PerCpuArray<args_t>({ maxEntries: 1 });
  /** Records: a sys_context_t, then the typed argument slots. */
  sys_events = new PerfEventArray<FixedArray<u8, 32768>>();

  skipSyscall(): bool {
    if (this.targetPid === 0) return false;
    const task: Ptr<task_struct> = bpf.getCurrentTask();
    return u32(bpf.getCurrentPidTgid() >> 32n) !== this.targetPid && u32(task.real_parent.tgid) !== this.targetPid;
  }

  /**
   * The first `nargs` arguments (a constant at each call): a syscall tracepoint's record holds only
   * the call's own arguments, and the kernel refuses to attach a program that reads past it.
   */
  saveArgs(id: u32, ctx: SysEnterContext, nargs: u32): i32 {
    const tgid = u32(bpf.getCurrentPidTgid());
    const key = (u64(id) << 32n) | u64(tgid);
    const args: args_t = zero();
    if (nargs > 0) args.args[0] = ctx.args[0];
    if (nargs > 1) args.args[1] = ctx.args[1];
    if (nargs > 2) args.args[2] = ctx.args[2];
    if (nargs > 3) args.args[3] = ctx.args[3];
    if (nargs > 4) args.args[4] = ctx.args[4];
    if (nargs > 5) args.args[5] = ctx.args[5];
    this.args_map.update(key, args);
    return 0;
  }

  loadArgs(id: u32, args: Ptr<args_t>): i32 {
    const tgid = u32(bpf.getCurrentPidTgid());
    const key = (u64(id) << 32n) | u64(tgid);
    const saved = this.args_map.lookup(key);
    if (!saved) return -1; // missed entry
    args.args[0] = saved.args[0];
    args.args[1] = saved.args[1];
    args.args[2] = saved.args[2];
    args.args[3] = saved.args[3];
    args.args[4] = saved.args[4];
    args.args[5] = saved.args[5];
    this.args_map.delete(key);
    return 0;
  }

  getTaskPpid(task: Ptr<task_struct>): u32 {
    return u32(task.parent.pid); // READ_KERN(READ_KERN(task->parent)->pid), through CO-RE
  }

  initContext(context: Ptr<sys_context_t>): i32 {
    const task: Ptr<task_struct> = bpf.getCurrentTask();
    context.ts = bpf.ktimeGetNs();
    context.host_ppid = this.getTaskPpid(task);
    context.host_pid = u32(bpf.getCurrentPidTgid() >> 32n);
    // KubeArmor's namespace ids and in-namespace pids: the host's, outside containers.
    context.pid_id = 0;
    context.mnt_id = 0;
    context.ppid = context.host_ppid;
    context.pid = context.host_pid;
    context.uid = u32(bpf.getCurrentUidGid());
    bpf.getCurrentComm(context.comm);
    return 0;
  }

  getArgNum(types: u64): u32 {
    let argnum: u32 = 0;
    for (let i = 0; i < MAX_ARGS; i++) {
      if (((types >> (8n * u64(i))) & 0xffn) !== 0n) argnum++;
    }
    return argnum;
  }

  setBufferOffset(off: u32): void {
    this.bufs_offset.update(DATA_BUF_TYPE, off);
  }

  /** A type byte, then `size` bytes from `ptr`, at the buffer's offset (save_to_buffer). */
  saveToBuffer(b: Ptr<bufs_t>, ptr: u64, size: u32, type: u8): i32 {
    if (type === 0) return 0;
    const off = this.bufs_offset.lookup(DATA_BUF_TYPE);
    if (!off) return -1;
    if (off.value > MAX_BUFFER_SIZE - MAX_ELEMENT_SIZE) return 0;
    b.buf[off.value] = type;
    off.value += 1;
    if (off.value > MAX_BUFFER_SIZE - MAX_ELEMENT_SIZE) return 0;
    if (bpf.probeRead(b.buf[off.value], size, ptr) === 0n) {
      off.value += size;
      return i32(size);
    }
    return 0;
  }

  /** STR_T, the string's length (an int, with its NUL), then the string (save_str_to_buffer). */
  saveStrToBuffer(b: Ptr<bufs_t>, ptr: u64): i32 {
    const off = this.bufs_offset.lookup(DATA_BUF_TYPE);
    if (!off) return -1;
    if (off.value > MAX_BUFFER_SIZE - MAX_STRING_SIZE - 4) return 0;
    b.buf[off.value] = STR_T;
    off.value += 1;
    const typePos = off.value;
    off.value += 4;
    if (off.value > MAX_BUFFER_SIZE - MAX_STRING_SIZE) return 0;
    const sz = bpf.probeReadStr(b.buf[off.value], MAX_STRING_SIZE, ptr);
    if (sz > 0n) {
      // __builtin_memcpy(&buf[type_pos], &sz, sizeof(int)), little-endian
      const n = u32(sz);
      b.buf[typePos] = u8(n);
      b.buf[typePos + 1] = u8(n >> 8);
      b.buf[typePos + 2] = u8(n >> 16);
      b.buf[typePos + 3] = u8(n >> 24);
      off.value += n;
      return i32(n);
    }
    return 0;
  }

  saveArgsToBuffer(b: Ptr<bufs_t>, types: u64, args: Ptr<args_t>): i32 {
    if (types === 0n) return 0;
    // The address of args->args[i] (the loaded arguments live in the `loaded` per-CPU map).
    const zeroKey: u32 = 0;
    const base = bpf.mapLookupElem(this.loaded, zeroKey);
    if (base === 0n) return 0;
    for (let i = 0; i < MAX_ARGS; i++) {
      const type = u8((types >> (8n * u64(i))) & 0xffn);
      const arg = args.args[i];
      const at = base + 8n * u64(i);
      switch (type) {
        case INT_T:
        case OPEN_FLAGS_T:
        case SOCK_DOM_T:
        case SOCK_TYPE_T:
          this.saveToBuffer(b, at, 4, type);
          break;
        case STR_T:
          this.saveStrToBuffer(b, arg);
          break;
        case SOCKADDR_T:
          if (arg !== 0n) {
            let family: u16 = 0;
            bpf.probeRead(family, 2, arg);
            switch (family) {
              case AF_UNIX:
                this.saveToBuffer(b, arg, 110, SOCKADDR_T); // sizeof(struct sockaddr_un)
                break;
              case AF_INET:
                this.saveToBuffer(b, arg, 16, SOCKADDR_T); // sizeof(struct sockaddr_in)
                break;
              case AF_INET6:
                this.saveToBuffer(b, arg, 28, SOCKADDR_T); // sizeof(struct sockaddr_in6)
                break;
              default:
                this.saveToBuffer(b, arg, 2, SOCKADDR_T); // the family alone
            }
          }
          break;
        default:
          break;
      }
    }
    return 0;
  }

  /**
   * The record of system call `id` (trace_ret_generic up to events_perf_submit): the packed
   * context at the start of the scratch buffer, then the argument slots. Its length, or 0 when
   * the call is not reported.
   */
  buildRecord(id: u32, types: u64, retval: i64): u32 {
    const context = this.contexts.lookup(0);
    const args = this.loaded.lookup(0);
    if (!context || !args) return 0;
    if (this.loadArgs(id, args) !== 0) return 0;
    this.initContext(context);
    context.event_id = id;
    context.argnum = this.getArgNum(types);
    context.retval = retval;
    // skip if No such file/directory or if there is an EINPROGRESS
    if (context.retval === -ENOENT || context.retval === -EINPROGRESS) return 0;
    this.setBufferOffset(SYS_CONTEXT_SIZE);
    const b = this.bufs.lookup(DATA_BUF_TYPE);
    if (!b) return 0;
    // save_context_to_buffer: bpf_probe_read(&bufs_p->buf[0], sizeof(sys_context_t), &context)
    const zeroKey: u32 = 0;
    if (bpf.probeRead(b.buf[0], SYS_CONTEXT_SIZE, bpf.mapLookupElem(this.contexts, zeroKey)) !== 0n) return 0;
    this.saveArgsToBuffer(b, types, args);
    const off = this.bufs_offset.lookup(DATA_BUF_TYPE);
    return off ? off.value : 0;
  }

  /** events_perf_submit: the used slice of the buffer (the compiler bounds its size to the buffer). */
  submitAtExit(ctx: SysExitContext, size: u32): i64 {
    const b = this.bufs.lookup(DATA_BUF_TYPE);
    if (!b || size === 0) return -1n;
    return this.sys_events.perfOutput(ctx, b.buf, size);
  }

  submitAtEntry(ctx: SysEnterContext, size: u32): i64 {
    const b = this.bufs.lookup(DATA_BUF_TYPE);
    if (!b || size === 0) return -1n;
    return this.sys_events.perfOutput(ctx, b.buf, size);
  }

  /** save_args of the kprobes: the system call's first four arguments, as the wrapper's pt_regs held them. */
  saveKprobeArgs(id: u32, a0: u64, a1: u64, a2: u64, a3: u64): i32 {
    const tgid = u32(bpf.getCurrentPidTgid());
    const key = (u64(id) << 32n) | u64(tgid);
    const args: args_t = zero();
    args.args[0] = a0;
    args.args[1] = a1;
    args.args[2] = a2;
    args.args[3] = a3;
    this.args_map.update(key, args);
    return 0;
  }

  /** events_perf_submit from a kprobe or kretprobe (the seed's own context, a pt_regs). */
  submitFromKprobe(ctx: PtRegs, size: u32): i64 {
    const b = this.bufs.lookup(DATA_BUF_TYPE);
    if (!b || size === 0) return -1n;
    return this.sys_events.perfOutput(ctx, b.buf, size);
  }

  /** trace_ret_generic as the seed writes it, on a kretprobe: the return value is PT_REGS_RC(ctx). */
  traceRetKprobe(id: u32, ctx: PtRegs, types: u64, ret: i64): i32 {
    if (this.skipSyscall()) return 0;
    this.submitFromKprobe(ctx, this.buildRecord(id, types, ret));
    return 0;
  }

  traceEnterKprobe(id: u32, a0: u64, a1: u64, a2: u64, a3: u64): i32 {
    if (this.skipSyscall()) return 0;
    this.saveKprobeArgs(id, a0, a1, a2, a3);
    return 0;
  }

  traceRetGeneric(id: u32, ctx: SysExitContext, types: u64): i32 {
    if (this.skipSyscall()) return 0;
    this.submitAtExit(ctx, this.buildRecord(id, types, ctx.ret));
    return 0;
  }

  traceEnter(id: u32, ctx: SysEnterContext, nargs: u32): i32 {
    if (this.skipSyscall()) return 0;
    this.saveArgs(id, ctx, nargs);
    return 0;
  }

  @tracepoint("syscalls", "sys_enter_openat")
  enterOpenat(ctx: SysEnterContext): i32 {
    return this.traceEnter(SYS_OPENAT, ctx, 4);
  }

  @tracepoint("syscalls", "sys_exit_openat")
  exitOpenat(ctx: SysExitContext): i32 {
    return this.traceRetGeneric(SYS_OPENAT, ctx, OPENAT_TYPES);
  }

  @tracepoint("syscalls", "sys_enter_socket")
  enterSocket(ctx: SysEnterContext): i32 {
    return this.traceEnter(SYS_SOCKET, ctx, 3);
  }

  @tracepoint("syscalls", "sys_exit_socket")
  exitSocket(ctx: SysExitContext): i32 {
    return this.traceRetGeneric(SYS_SOCKET, ctx, SOCKET_TYPES);
  }

  @tracepoint("syscalls", "sys_enter_connect")
  enterConnect(ctx: SysEnterContext): i32 {
    return this.traceEnter(SYS_CONNECT, ctx, 3);
  }

  @tracepoint("syscalls", "sys_exit_connect")
  exitConnect(ctx: SysExitContext): i32 {
    return this.traceRetGeneric(SYS_CONNECT, ctx, CONNECT_TYPES);
  }

  /** execve at entry: at its return the caller's memory, where the file name was, is gone. */
  @tracepoint("syscalls", "sys_enter_execve")
  enterExecve(ctx: SysEnterContext): i32 {
    if (this.skipSyscall()) return 0;
    this.saveArgs(SYS_EXECVE, ctx, 3);
    this.submitAtEntry(ctx, this.buildRecord(SYS_EXECVE, EXECVE_TYPES, 0n));
    return 0;
  }

  // The seed's own hooks: kprobes and kretprobes on the system call functions
  // (SEC("kprobe/__x64_sys_openat")...). Their sections name no system call, so that attach()
  // leaves them alone (this kernel has no kprobes) and the tracepoints above do the work; where the
  // kernel has kprobes, attach these instead: attachKprobes() in syscall-tracer.ts attaches each
  // to the architecture's function for its call (`attach({ syscall: "openat" })`, __x64_sys_openat
  // on x86-64), whose arguments the compiler reads through the wrapper's pt_regs as the seed does.
  @ksyscall()
  kprobeOpenat(ctx: PtRegs, dfd: i32, filename: u64, flags: i32, mode: u32): i32 {
    return this.traceEnterKprobe(SYS_OPENAT, u64(dfd), filename, u64(flags), u64(mode));
  }

  @kretsyscall()
  kretprobeOpenat(ctx: PtRegs, ret: i64): i32 {
    return this.traceRetKprobe(SYS_OPENAT, ctx, OPENAT_TYPES, ret);
  }

  @ksyscall()
  kprobeSocket(ctx: PtRegs, family: i32, type: i32, protocol: i32): i32 {
    return this.traceEnterKprobe(SYS_SOCKET, u64(family), u64(type), u64(protocol), 0n);
  }

  @kretsyscall()
  kretprobeSocket(ctx: PtRegs, ret: i64): i32 {
    return this.traceRetKprobe(SYS_SOCKET, ctx, SOCKET_TYPES, ret);
  }

  @ksyscall()
  kprobeConnect(ctx: PtRegs, fd: i32, address: u64, addrlen: i32): i32 {
    return this.traceEnterKprobe(SYS_CONNECT, u64(fd), address, u64(addrlen), 0n);
  }

  @kretsyscall()
  kretprobeConnect(ctx: PtRegs, ret: i64): i32 {
    return this.traceRetKprobe(SYS_CONNECT, ctx, CONNECT_TYPES, ret);
  }

  /** execve at entry, as on the tracepoints. */
  @ksyscall()
  kprobeExecve(ctx: PtRegs, filename: u64, argv: u64, envp: u64): i32 {
    if (this.skipSyscall()) return 0;
    this.saveKprobeArgs(SYS_EXECVE, filename, argv, envp, 0n);
    this.submitFromKprobe(ctx, this.buildRecord(SYS_EXECVE, EXECVE_TYPES, 0n));
    return 0;
  }
}
