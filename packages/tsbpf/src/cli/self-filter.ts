/**
 * `tsbpf run` leaves its own process out of what it prints: a probe on write(2) would otherwise
 * see every line tsbpf prints, print a line for it, see that write too, and so on (1.4 million
 * lines in 5 s for examples/hello.bpf.ts). Left out are printk lines whose task is one of tsbpf's
 * threads (trace_pipe names the thread) and events whose `pid` or `tgid` field is tsbpf's process
 * id. The kernel still runs the probe for tsbpf's own activity, and maps still count it, as
 * bpftrace's maps count bpftrace (filter on pid in the probe, or with a @config, to leave it out
 * there). `--trace-self` keeps everything.
 */
import { existsSync } from "node:fs";

export class SelfFilter {
  readonly #enabled: boolean;
  readonly #threads = new Map<number, boolean>();
  /** How many records were left out. */
  dropped = 0;

  constructor(enabled: boolean, readonly pid = process.pid) {
    this.#enabled = enabled;
  }

  /** Whether thread `tid` belongs to this process (threads are looked up once each). */
  #ours(tid: number): boolean {
    if (tid === this.pid) return true;
    let ours = this.#threads.get(tid);
    if (ours === undefined) this.#threads.set(tid, (ours = existsSync(`/proc/${this.pid}/task/${tid}`)));
    return ours;
  }

  /** Whether a printk line from thread `tid` is to be left out. */
  dropPrintk(tid: number): boolean {
    if (!this.#enabled || !this.#ours(tid)) return false;
    this.dropped++;
    return true;
  }

  /** Whether an event is to be left out: one whose pid (or tgid) field is this process's. */
  dropEvent(event: unknown): boolean {
    if (!this.#enabled || !event || typeof event !== "object") return false;
    const record = event as Record<string, unknown>;
    const pid = record.pid ?? record.tgid;
    if ((typeof pid === "number" || typeof pid === "bigint") && Number(pid) === this.pid) {
      this.dropped++;
      return true;
    }
    return false;
  }
}
