/**
 * Raw tracepoints ("raw_tp/<name>", "raw_tracepoint/<name>") through BPF_RAW_TRACEPOINT_OPEN,
 * whose descriptor is a BPF link (kernel 4.17; a link since 5.7). The same command attaches
 * tracing programs (tp_btf, fentry, fexit, fmod_ret, lsm) loaded with their attach_btf_id,
 * given no name.
 */
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { bpfFailure, Cmd, rawTracepointOpenRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { Link } from "./link.js";

/** Attaches a raw_tp program to raw tracepoint `name`. Kernel 4.17. */
export function attachRawTracepoint(program: string, progFd: number, name: string, section = `raw_tp/${name}`, writable = false): Link {
  if (!name) throw new ObjectError("a raw tracepoint section names the tracepoint (e.g. raw_tp/sched_switch)", { section });
  const r = rawTracepointOpenRaw(progFd, name);
  if (r === -Errno.ENOENT) {
    throw new BpfError(`raw tracepoint ${name} does not exist on this kernel`, { errno: Errno.ENOENT, syscall: "BPF_RAW_TRACEPOINT_OPEN" });
  }
  if (r === -Errno.EINVAL && writable) {
    throw new BpfError(`raw tracepoint ${name} is not writable, or ${program} writes beyond its buffer (writable tracepoints: DEFINE_EVENT_WRITABLE, e.g. bpf_test_finish)`, { errno: Errno.EINVAL, syscall: "BPF_RAW_TRACEPOINT_OPEN" });
  }
  if (r < 0) throw bpfFailure(Cmd.RAW_TRACEPOINT_OPEN, -r, `${program} on raw tracepoint ${name}`);
  return new Link(program, `${writable ? "raw_tp.w" : "raw_tp"}/${name}`, new Fd(r, `link ${program} → raw_tp/${name}`));
}

/** Attaches a tracing program (fentry/fexit/fmod_ret/tp_btf/lsm) to the target it was loaded for. Kernel 5.5 (LSM 5.7). */
export function attachTracing(program: string, progFd: number, section: string): Link {
  const r = rawTracepointOpenRaw(progFd, undefined);
  if (r === -Errno.ENOTSUPP || r === -Errno.EOPNOTSUPP) {
    throw new NotSupportedError(`attaching ${section}`, "the kernel cannot attach this tracing program (no BPF trampoline on this architecture or kernel)", {
      errno: -r,
      syscall: "BPF_RAW_TRACEPOINT_OPEN",
    });
  }
  if (r < 0) throw bpfFailure(Cmd.RAW_TRACEPOINT_OPEN, -r, `${program} (${section})`);
  return new Link(program, section, new Fd(r, `link ${program} → ${section}`));
}
