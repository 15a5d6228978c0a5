/**
 * BPF_MAP_TYPE_STACK_TRACE (kernel 4.6): stack id (what bpf_get_stackid returned) → the stack's
 * instruction addresses, innermost first. `get` gives the addresses, `symbolize` names them:
 * kernel stacks through /proc/kallsyms, user stacks (BPF_F_USER_STACK) through the process's
 * mappings and ELF symbols.
 */
import { littleEndian } from "../sys/attr.js";
import { mapDelete, mapGetNextKey, mapLookup } from "../sys/bpf.js";
import { BpfMap } from "./map.js";
import { symbolizeKernel, symbolizeUser, type Frame } from "./symbolize.js";

export class StackTraceHandle extends BpfMap {
  /** The addresses of stack `id` (innermost first), or undefined when the id is unknown. */
  get(id: number): bigint[] | undefined {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, id, littleEndian);
    const value = new Uint8Array(this.valueSize);
    if (!mapLookup(this.fd, key, value)) return undefined;
    const v = new DataView(value.buffer);
    const out: bigint[] = [];
    for (let at = 0; at + 8 <= value.length; at += 8) {
      const ip = v.getBigUint64(at, littleEndian);
      if (ip === 0n) break;
      out.push(ip);
    }
    return out;
  }

  /** Stack `id` as frames: kernel symbols, or with `pid` the user symbols of that process. */
  symbolize(id: number, options: { pid?: number } = {}): Frame[] | undefined {
    const ips = this.get(id);
    if (!ips) return undefined;
    return options.pid === undefined ? symbolizeKernel(ips) : symbolizeUser(options.pid, ips);
  }

  delete(id: number): boolean {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, id, littleEndian);
    return mapDelete(this.fd, key);
  }

  /** The stack ids stored. */
  async *ids(): AsyncIterableIterator<number> {
    let current: Uint8Array | undefined;
    for (;;) {
      const next = new Uint8Array(4);
      if (!mapGetNextKey(this.fd, current, next)) return;
      yield new DataView(next.buffer).getUint32(0, littleEndian);
      current = next;
    }
  }
}
