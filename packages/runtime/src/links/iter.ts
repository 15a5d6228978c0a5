/**
 * BPF iterators ("iter/task", "iter/bpf_map", ...): a link made with BPF_LINK_CREATE
 * (BPF_TRACE_ITER, kernel 5.8), from which each `read()` creates an iterator descriptor
 * (BPF_ITER_CREATE) and reads it to the end: the program runs once per kernel object and what
 * it writes with bpf_seq_write/bpf_seq_printf is the content.
 */
import { bpfFailure, Cmd, iterCreate, linkCreateRaw } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { BpfError, ObjectError } from "../errors.js";
import { openCgroup } from "../sys/cgroup.js";
import { readSome } from "../sys/files.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export class IterLink extends Link {
  /** Runs the iterator once and returns everything the program wrote. */
  read(): Uint8Array {
    const iter = iterCreate(this.linkFd);
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

  /** The iterator's output line by line (a fresh run of the iterator each time it is iterated). */
  async *lines(): AsyncIterableIterator<string> {
    const text = this.text();
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    yield* lines;
  }

  /** The output cut into fixed-size records (programs that bpf_seq_write a struct per object). */
  async *records(size: number): AsyncIterableIterator<Uint8Array> {
    const bytes = this.read();
    for (let at = 0; at + size <= bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
}

/** The walks of a cgroup iterator (`enum bpf_cgroup_iter_order`). */
export const CgroupIterOrder = { selfOnly: 1, descendantsPre: 2, descendantsPost: 3, ancestorsUp: 4 } as const;
export type CgroupIterOrderName = keyof typeof CgroupIterOrder;

export interface IterOptions {
  /** For map iterators (iter/bpf_map_elem, iter/sockmap, ...): the map whose elements to visit. */
  map?: Fd | number;
  /**
   * For the cgroup iterator (iter/cgroup, kernel 6.1): the cgroup to start from, a path (absolute,
   * or relative to the cgroup v2 root) or an open directory; default the root cgroup.
   */
  cgroup?: string | Fd;
  /**
   * For the cgroup iterator: `"descendantsPre"` (the cgroup, then each subtree in pre-order; the
   * default), `"descendantsPost"`, `"ancestorsUp"` (the cgroup, its parent, ... the root) or
   * `"selfOnly"`.
   */
  order?: CgroupIterOrderName;
}

/**
 * `union bpf_iter_link_info` (16 bytes): `{ u32 map_fd }` for map iterators, `{ u32 order; u32
 * cgroup_fd; u64 cgroup_id }` for the cgroup iterator; undefined when the iterator takes none.
 */
function linkInfo(options: IterOptions, section: string): { info: Uint8Array; opened?: Fd } | undefined {
  const info = new Uint8Array(16);
  const view = new DataView(info.buffer);
  if (options.map !== undefined) {
    view.setUint32(0, typeof options.map === "number" ? options.map : options.map.raw, true);
    return { info };
  }
  // The cgroup iterator needs an order (the kernel refuses none with EINVAL): the default is the whole hierarchy.
  if (options.cgroup === undefined && options.order === undefined && section !== "iter/cgroup") return undefined;
  const order = CgroupIterOrder[options.order ?? "descendantsPre"];
  if (order === undefined) throw new ObjectError(`unknown cgroup iterator order '${String(options.order)}': ${Object.keys(CgroupIterOrder).join(", ")}`);
  const opened = typeof options.cgroup === "string" ? openCgroup(options.cgroup) : undefined;
  view.setUint32(0, order, true);
  // No cgroup given: cgroup_fd and cgroup_id 0, which the kernel takes as the root cgroup.
  view.setUint32(4, opened ? opened.raw : options.cgroup === undefined ? 0 : (options.cgroup as Fd).raw, true);
  return { info, opened };
}

/**
 * Attaches an iterator program (loaded with its bpf_iter_<target> attach_btf_id). Kernel 5.8; map
 * element iterators 5.9; the cgroup iterator's start and order 6.1.
 */
export function attachIter(program: string, progFd: number, section: string, options: IterOptions = {}): IterLink {
  const link = linkInfo(options, section);
  try {
    const info = link?.info;
    const r = linkCreateRaw({ progFd, targetFd: 0, attachType: AttachType.TRACE_ITER, tail: info && ((attr) => attr.pointer(16, info).u32(24, info.length)) });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} (${section})`);
    return new IterLink(program, section, new Fd(r, `link ${program} → ${section}`));
  } finally {
    link?.opened?.close(); // the link holds its own reference to the cgroup
  }
}
