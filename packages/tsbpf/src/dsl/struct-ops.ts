/**
 * struct_ops: a kernel vtable (a TCP congestion control's `tcp_congestion_ops`, ...) whose
 * function members are BPF programs of the probe. Kernel 5.6 (BPF links 6.4).
 */
import { KernelMap } from "./maps-base.js";
import { hook, type MethodDecorator } from "./probe.js";

export interface StructOpsOptions {
  /** The kernel struct implemented, e.g. "tcp_congestion_ops". */
  type: string;
  /** Values of its data members, as literals: `{ name: "my_cc" }` names a congestion control. */
  values?: Record<string, number | bigint | string>;
}

/**
 * A struct_ops map: `cc = new StructOps({ type: "tcp_congestion_ops", values: { name: "tsbpf_cc" } })`.
 * Methods decorated `@structOps("cc", "<member>")` implement its function members. `attach()`
 * registers it (a TCP congestion control then appears in
 * /proc/sys/net/ipv4/tcp_available_congestion_control); closing unregisters it.
 */
export class StructOps extends KernelMap<StructOpsOptions> {
  declare private readonly brand: "StructOps";
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
