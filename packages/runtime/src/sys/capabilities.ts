/**
 * Capability checks, to tell "you lack CAP_BPF" from "the kernel refuses this" when a call fails
 * with EPERM (root in a locked-down kernel gets EPERM too).
 */
import type { Capability } from "../errors.js";
import { door } from "./door.js";

const bits: Record<Capability, bigint> = {
  CAP_DAC_READ_SEARCH: 2n,
  CAP_NET_ADMIN: 12n,
  CAP_SYS_ADMIN: 21n,
  CAP_PERFMON: 38n,
  CAP_BPF: 39n,
};

/** Whether the process has `capability` in its effective set (false when it cannot tell). */
export function hasCapability(capability: Capability): boolean {
  const mask = door().capabilities();
  if (typeof mask !== "bigint") return door().geteuid() === 0;
  return ((mask >> bits[capability]) & 1n) === 1n;
}

/**
 * The capability whose absence explains an EPERM for `need`, or undefined when the process has
 * it (CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, as on kernels before 5.8).
 */
export function missingCapability(need: Capability): Capability | undefined {
  if (hasCapability(need)) return undefined;
  if ((need === "CAP_BPF" || need === "CAP_PERFMON") && hasCapability("CAP_SYS_ADMIN")) return undefined;
  return need;
}
