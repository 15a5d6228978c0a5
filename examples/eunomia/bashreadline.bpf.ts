// 002's bashreadline, written as the tutorial writes it: when /bin/bash's readline() returns
// (BPF_KRETPROBE in an uprobe section: a uretprobe), print the pid, bash's comm and the line with
// bpf_printk. (examples/bashreadline.bpf.ts sends ring buffer events instead.)
//   tsbpf run examples/eunomia/bashreadline.bpf.ts
import { PT_REGS_RC, Probe, bpf, u32, uretprobe, type CharArray, type PtRegs, type i32 } from "tsbpf";

export class PrintRet extends Probe {
  @uretprobe("/bin/bash", "readline")
  printret(ctx: PtRegs): i32 {
    const ret = PT_REGS_RC(ctx);
    if (ret === 0n) return 0;
    // char str[MAX_LINE_SIZE], comm[TASK_COMM_LEN]: a fixed array's length is a literal here.
    const str: CharArray<80> = "";
    const comm: CharArray<16> = "";
    bpf.getCurrentComm(comm);
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    bpf.probeReadUserStr(str, ret);
    bpf.printk("PID %d (%s) read: %s ", pid, comm, str);
    return 0;
  }
}
