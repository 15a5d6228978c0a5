/**
 * BPF iterators ("iter/task", "iter/bpf_map", ...): a link made with BPF_LINK_CREATE
 * (BPF_TRACE_ITER, kernel 5.8), from which each `read()` creates an iterator descriptor
 * (BPF_ITER_CREATE) and reads it to the end: the program runs once per kernel object and what
 * it writes with bpf_seq_write/bpf_seq_printf is the content.
 */
import { bpfFailure, Cmd, iterCreate, linkCreateRaw } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { BpfError } from "../errors.js";
import { readSome } from "../sys/files.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export class IterLink extends Link {
  /** Runs the iterator once and returns everything the program wrote. */
  read(): Uint8Array {
    const iter = iterCreate(this.fd);
    try {
      let out = new Uint8Array(64 * 1024);
      let total = 0;
      for (;;) {
        if (total === out.length) {
          const bigger = new Uint8Array(out.length * 2);
          bigger.set(out);
          out = bigger;
        }
        const n = readSome(iter, out.subarray(total));
        if (n < 0) throw BpfError.fromErrno("read", -n, iter.label);
        if (n === 0) return out.slice(0, total);
        total += n;
      }
    } finally {
      iter.close();
    }
  }

  /** `read()` as UTF-8 text (for programs that bpf_seq_printf). */
  text(): string {
    return new TextDecoder().decode(this.read());
  }
}

/** Attaches an iterator program (loaded with its bpf_iter_<target> attach_btf_id). Kernel 5.8. */
export function attachIter(program: string, progFd: number, section: string): IterLink {
  const r = linkCreateRaw({ progFd, targetFd: 0, attachType: AttachType.TRACE_ITER });
  if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} (${section})`);
  return new IterLink(program, section, new Fd(r, `link ${program} → ${section}`));
}
