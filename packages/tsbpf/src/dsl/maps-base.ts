/**
 * What every map class shares: its options (read by the compiler from the `new` expression, never
 * at run time), a private `brand` that keeps the classes apart for tsc (classes are otherwise structural), and the
 * user-space guard that makes every kernel-side method throw `KernelOnlyError`.
 */
import { KernelOnlyError } from "./kernel-only.js";

/** `BPF_ANY`, `BPF_NOEXIST`, `BPF_EXIST`: flags of `update` and `push`. */
export const UpdateFlags = { Any: 0n, NoExist: 1n, Exist: 2n } as const;

/** Options every map with `max_entries` takes. */
export interface MapOptions {
  /** `max_entries`: a constant between 1 and 2^32-1. */
  maxEntries: number;
  /** `map_flags` (BPF_F_*), a constant. */
  flags?: number;
  /**
   * Pin the map by name under /sys/fs/bpf (libbpf's `LIBBPF_PIN_BY_NAME`): a later load of an
   * object with a map of that name and shape reuses it. Kernel 4.4.
   */
  pinned?: boolean;
  /**
   * State passed between programs (start timestamps, scratch values) rather than a result:
   * `tsbpf run` leaves it out of what it prints unless given `--all-maps`. Recorded in the
   * object's BTF (a `tsbpf.internal` DECL_TAG on the map's variable).
   */
  internal?: boolean;
}

/**
 * The base of the map classes. In user space an instance is only a description of the map; any
 * kernel-side method called on it throws `KernelOnlyError`.
 */
export abstract class KernelMap<O> {
  readonly options: O;
  constructor(options: O = {} as O) {
    this.options = options;
    const owner = new.target.name;
    return new Proxy(this, {
      get(target, property, receiver) {
        if (typeof property === "symbol" || property in target) return Reflect.get(target, property, receiver);
        return () => {
          throw new KernelOnlyError(`${owner}.${property}()`);
        };
      },
    });
  }
}
