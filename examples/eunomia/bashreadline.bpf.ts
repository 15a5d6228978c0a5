// 002's bashreadline, written as the tutorial writes it: when /bin/bash's readline() returns
// (BPF_KRETPROBE in an uprobe section: a uretprobe), print the pid, bash's comm and the line with
// bpf_printk. (examples/bashreadline.bpf.ts sends ring buffer events instead.)
//   tsbpf run examples/eunomia/bashreadline.bpf.ts
import { PT_REGS_RC, Probe, bpf, u32, uretprobe, type CharArray, type PtRegs, type i32 } from "tsbpf";

const TASK_COMM_LEN = 16;
const MAX_LINE_SIZE = 80;

export class PrintRet extends Probe {
  @uretprobe("/bin/bash", "readline")
  printret(ctx: PtRegs): i32 {
    const ret = PT_REGS_RC(ctx);
    if (ret === 0n) return 0;
    const str: CharArray<typeof MAX_LINE_SIZE> = "";
    const comm: CharArray<typeof TASK_COMM_LEN> = "";
    bpf.getCurrentComm(comm);
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    bpf.probeReadUserStr(str, ret);
    bpf.printk("PID %d (%s) read: %s ", pid, comm, str);
    return 0;
  }
}
