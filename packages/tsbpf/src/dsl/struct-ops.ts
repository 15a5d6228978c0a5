/**
 * struct_ops: a kernel vtable (a TCP congestion control's `tcp_congestion_ops`, ...) whose
 * function members are BPF programs of the probe. Kernel 5.6 (BPF links 6.4).
 */
import { KernelMap } from "./maps-base.js";
import { hook, type MethodDecorator } from "./probe.js";

/** What a member of type V takes: a string for a char array, an integer for an integer member. */
export type StructOpsValue<V> = V extends string ? string : V extends bigint ? bigint | number : V extends number ? number : never;

export interface StructOpsOptions<T> {
  /**
   * Values of its data members, as literals: `{ name: "my_cc" }` names a congestion control
   * (strings for char arrays, integers for integer members; checked against T's layout).
   */
  values?: { [K in keyof T]?: StructOpsValue<T[K]> };
}

/**
 * A struct_ops map of the kernel struct T (a `@kernel` interface of `tsbpf/vmlinux`):
 * `cc = new StructOps<tcp_congestion_ops>({ values: { name: "tsbpf_cc" } })`. Methods decorated
 * `@structOps("cc", "<member>")` implement its function members. The object carries it in
 * `.struct_ops` as libbpf reads it. `attach()` registers it through a BPF link (Linux 6.4; a TCP
 * congestion control then appears in /proc/sys/net/ipv4/tcp_available_congestion_control);
 * closing the link unregisters it. The compiler checks what the kernel's subsystem wants of a
 * value where it knows the type (a congestion control's name and required members, members
 * without a BPF stub, data members it refuses); `bpf_dummy_ops` is never registered (its
 * programs run through `testRun`).
 */
export class StructOps<T = unknown> extends KernelMap<StructOpsOptions<T>> {
  declare private readonly brand: "StructOps";
  declare private readonly struct: T;
}

/**
 * `SEC("struct_ops/<member>")`: implements the function member `member` of the struct_ops
 * field `field`. Takes the member's arguments (`TracingArgs`: raw 64-bit values), returns what
 * the member returns.
 */
export function structOps(field: string, member: string): MethodDecorator {
  void field;
  void member;
  return hook();
}
