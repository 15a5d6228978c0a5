// 004 (bcc's reference guide, C side), "Data": every helper of the section in one program, run at
// each openat(2) of the children of one process (`FILTER_PPID`: bcc's text substitution is a
// @config value here), with what each returned sent to user space in one ring buffer record.
// - bpf_probe_read_kernel(&sport, ..., &inet->inet_sport) and bpf_probe_read_kernel_str(...,
//   vq->vdev->dev.driver->name): the same helpers on what a syscall tracepoint has at hand, the
//   current task: a member read through a kernel pointer (`task.real_parent.tgid`) is compiled to
//   bpf_probe_read_kernel at CO-RE offsets, and the parent's comm is copied with
//   bpf_probe_read_kernel_str from `task->real_parent->comm`.
// - bcc's bpf_log2l(4) is 3 (its log2 counts the bits: floor(log2(v)) + 1); tsbpf's bpf.log2l is
//   libbpf-tools' floor(log2(v)), so bcc's is `bpf.log2l(v) + 1`.
// - bpf_get_ns_current_pid_tgid(DEV, INO, ...): DEV and INO (the device and inode of
//   /proc/self/ns/pid) are @config values too.
//   tsbpf run examples/bcc/data.bpf.ts --config filter_ppid=<pid> --config ns_dev=<dev> --config ns_ino=<ino>
import {
  Probe, RingBuf, bpf, config, i32, tracepoint, u32, u64, zero,
  type CharArray, type Ptr, type SysEnterContext,
} from "tsbpf";
import type { bpf_pidns_info, task_struct } from "tsbpf/vmlinux";

export interface DataRecord {
  pid: u32;
  tid: u32;
  uid: u32;
  gid: u32;
  ppid: u32;
  ns_pid: u32;
  ns_tgid: u32;
  ns_status: i32;
  comm_status: i32;
  filename_len: i32;
  parent_comm_len: i32;
  log2_of_4: u32;
  random: u32;
  ts: u64;
  comm: CharArray<16>;
  parent_comm: CharArray<16>;
  filename: CharArray<256>;
}

export class DataHelpers extends Probe {
  @config filter_ppid: u32 = 0;
  @config ns_dev: u64 = 0n;
  @config ns_ino: u64 = 0n;
  records = new RingBuf<DataRecord>({ size: 64 * 1024 });

  @tracepoint("syscalls", "sys_enter_openat")
  do_trace(args: SysEnterContext): i32 {
    // bpf_get_current_task: the parent's tgid, read from the kernel
    const task: Ptr<task_struct> = bpf.getCurrentTask();
    const ppid = u32(task.real_parent.tgid);
    if (ppid !== this.filter_ppid) return 0;
    const r: DataRecord = zero();
    r.ppid = ppid;
    r.ts = bpf.ktimeGetNs();
    const id = bpf.getCurrentPidTgid();
    r.pid = u32(id >> 32n); // the upper half: the process id (tgid)
    r.tid = u32(id); // the lower half: the thread id
    const ids = bpf.getCurrentUidGid();
    r.gid = u32(ids >> 32n);
    r.uid = u32(ids);
    r.comm_status = i32(bpf.getCurrentComm(r.comm));
    r.parent_comm_len = i32(bpf.probeReadKernelStr(r.parent_comm, task.real_parent.comm));
    r.log2_of_4 = bpf.log2l(4n) + 1; // bcc's bpf_log2l(4)
    r.random = bpf.getPrandomU32();
    r.filename_len = i32(bpf.probeReadUserStr(r.filename, args.args[1]));
    const ns: bpf_pidns_info = zero();
    r.ns_status = i32(bpf.getNsCurrentPidTgid(this.ns_dev, this.ns_ino, ns, 8));
    r.ns_pid = ns.pid;
    r.ns_tgid = ns.tgid;
    this.records.output(r);
    return 0;
  }
}
