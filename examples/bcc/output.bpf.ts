// 004 (bcc's reference guide, C side), "Output": bpf_trace_printk, BPF_PERF_OUTPUT with
// perf_submit, BPF_RINGBUF_OUTPUT with ringbuf_output, ringbuf_reserve/ringbuf_submit and
// ringbuf_discard. The guide's functions take a `struct pt_regs *ctx` and leave the attach point to
// the reader; here they are uprobes on libc's getpid (a pt_regs context that this kernel can
// attach), each one program as in the guide.
// - `data.pid = bpf_get_current_pid_tgid()` keeps the lower half: the thread id.
// - BPF_RINGBUF_OUTPUT(events, 8) is 8 pages: 32 KiB.
//   tsbpf run examples/bcc/output.bpf.ts
import { PerfEventArray, Probe, RingBuf, bpf, u32, uprobe, type CharArray, type PtRegs, type i32, type i64, type u64 } from "tsbpf";

export interface data_t {
  pid: u32;
  ts: u64;
  comm: CharArray<16>;
}

export class OutputExamples extends Probe {
  /** BPF_PERF_OUTPUT(events) */
  perf_events = new PerfEventArray<data_t>();
  /** BPF_RINGBUF_OUTPUT(events, 8) */
  events = new RingBuf<data_t>({ size: 8 * 4096 });
  /** The ring `ringbuf_discard` writes to (and takes back). */
  buffer = new RingBuf<data_t>({ size: 4096 });
  /** What each call returned last, as the guide's `status` checks (printk: the bytes written; the others 0 or -errno). */
  printk_status: i64 = 0n;
  perf_status: i64 = 0n;
  ringbuf_status: i64 = 0n;

  @uprobe("c", "getpid")
  hello_printk(ctx: PtRegs): i32 {
    this.printk_status = bpf.printk("Hello, world!");
    return 0;
  }

  @uprobe("c", "getpid")
  hello(ctx: PtRegs): i32 {
    const data: data_t = { pid: u32(bpf.getCurrentPidTgid()), ts: bpf.ktimeGetNs(), comm: "" };
    bpf.getCurrentComm(data.comm);
    this.perf_status = this.perf_events.perfOutput(ctx, data);
    return 0;
  }

  @uprobe("c", "getpid")
  first(ctx: PtRegs): i32 {
    const data: data_t = { pid: u32(bpf.getCurrentPidTgid()), ts: bpf.ktimeGetNs(), comm: "" };
    bpf.getCurrentComm(data.comm);
    this.ringbuf_status = this.events.output(data, 0n);
    return 0;
  }

  @uprobe("c", "getpid")
  second(ctx: PtRegs): i32 {
    const data = this.events.reserve();
    if (data === null) return 1;
    data.pid = u32(bpf.getCurrentPidTgid());
    data.ts = bpf.ktimeGetNs();
    bpf.getCurrentComm(data.comm);
    this.events.submit(data, 0n);
    return 0;
  }

  @uprobe("c", "getpid")
  discarded(ctx: PtRegs): i32 {
    const event = this.buffer.reserve();
    if (event === null) return 1;
    event.pid = u32(bpf.getCurrentPidTgid());
    this.buffer.discard(event, 0n);
    return 0;
  }
}
