/**
 * BPF_MAP_TYPE_CGROUP_ARRAY (kernel 4.8): u32 index → cgroup v2 directory, for
 * `bpf_current_task_under_cgroup` and `bpf_skb_under_cgroup`. The kernel keeps a reference to the
 * cgroup, so the directory descriptor is closed right after the update. Elements cannot be read
 * back from user space (the kernel answers lookups with EOPNOTSUPP); `delete` empties a slot.
 */
import { openCgroup } from "../sys/cgroup.js";
import { littleEndian } from "../sys/attr.js";
import { FdValueMap, rawFd, type FdLike } from "./fd-maps.js";

export class CgroupArrayHandle extends FdValueMap<number> {
  /**
   * Stores a cgroup at `index`: a path (absolute, or relative to the cgroup v2 root, e.g.
   * `"system.slice"`) or an open descriptor of its directory.
   */
  set(index: number, cgroup: string | FdLike): void {
    const opened = typeof cgroup === "string" ? openCgroup(cgroup) : undefined;
    try {
      const value = new Uint8Array(this.valueSize);
      new DataView(value.buffer).setUint32(0, opened ? opened.raw : rawFd(cgroup as FdLike), littleEndian);
      this.put(index, value);
    } finally {
      opened?.close();
    }
  }
}
