// 002's last request, "trace every file open of pid 1234, dropping the calls that failed",
// written as the tutorial's answer writes it: the entry stores `{ pid, filename }` in the hash
// `opened_files` under the (thread) id, the return deletes it again when the open failed, so
// user space reads the successful opens of that id from the map. The answer says it is a
// tracepoint program: syscall tracepoints are, here, with the entries of open(2) and openat(2)
// (glibc's open() calls openat) and their exits for the result.
// - The answer's two versions delete on `ret != 0` and on `ret >= 0`: both drop the successful
//   opens (an fd is >= 0), the opposite of what was asked. Here a negative result (an errno) is
//   what is dropped.
// - The filter compares the lower half of bpf_get_current_pid_tgid() (C's `u32 pid =
//   bpf_get_current_pid_tgid()`) with `target_pid`, 1234 as in the answer, set from user space.
// - filename is char[DNAME_INLINE_LEN]: 40 on this kernel (64-bit, Linux 6.14 and later; 32
//   before), read with bpf_probe_read_user_str (the answer's bpf_probe_read of a user pointer).
//   tsbpf run examples/eunomia/open-failures.bpf.ts --config target_pid=<tid>
import { HashMap, Probe, bpf, config, i32, tracepoint, u32, type CharArray, type SysEnterContext, type SysExitContext, type u64 } from "tsbpf";

export interface data_t {
  pid: u32;
  filename: CharArray<40>;
}

export class OpenFailuresDropped extends Probe {
  @config target_pid: u32 = 1234;
  opened_files = new HashMap<u32, data_t>({ maxEntries: 10240 });

  trace_open_entry(filename: u64): i32 {
    const pid = u32(bpf.getCurrentPidTgid());
    if (pid === this.target_pid) {
      const data: data_t = { pid, filename: "" };
      bpf.probeReadUserStr(data.filename, filename);
      this.opened_files.update(pid, data);
    }
    return 0;
  }

  trace_open_return(ret: i32): i32 {
    const pid = u32(bpf.getCurrentPidTgid());
    if (pid === this.target_pid && ret < 0) this.opened_files.delete(pid);
    return 0;
  }

  @tracepoint("syscalls", "sys_enter_open")
  open_entry(ctx: SysEnterContext): i32 {
    return this.trace_open_entry(ctx.args[0]);
  }

  @tracepoint("syscalls", "sys_exit_open")
  open_return(ctx: SysExitContext): i32 {
    return this.trace_open_return(i32(ctx.ret));
  }

  @tracepoint("syscalls", "sys_enter_openat")
  openat_entry(ctx: SysEnterContext): i32 {
    return this.trace_open_entry(ctx.args[1]);
  }

  @tracepoint("syscalls", "sys_exit_openat")
  openat_return(ctx: SysExitContext): i32 {
    return this.trace_open_return(i32(ctx.ret));
  }
}
