/**
 * errno names and messages, from Node's own table (libuv's), plus the kernel-internal codes the
 * bpf() syscall leaks to user space (ENOTSUPP 524), which no libc knows.
 */
import { getSystemErrorMap } from "node:util";

const kernelOnly = new Map<number, [string, string]>([
  [524, ["ENOTSUPP", "Operation is not supported (kernel-internal ENOTSUPP)"]],
]);

let table: Map<number, [string, string]> | undefined;

function lookup(errno: number): [string, string] | undefined {
  const positive = Math.abs(errno);
  const special = kernelOnly.get(positive);
  if (special) return special;
  // Node keys the map by the negative errno, as libuv reports errors.
  table ??= getSystemErrorMap();
  return table.get(-positive);
}

/** "EINVAL" for 22 or -22; "E<n>" when unknown. */
export function errnoName(errno: number): string {
  return lookup(errno)?.[0] ?? `E${Math.abs(errno)}`;
}

/** "invalid argument" for 22 or -22. */
export function errnoMessage(errno: number): string {
  return lookup(errno)?.[1] ?? `errno ${Math.abs(errno)}`;
}

/** The errno values the runtime reasons about. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  ENOTDIR: 20,
  EISDIR: 21,
  EEXIST: 17,
  EINVAL: 22,
  E2BIG: 7,
  ENOSPC: 28,
  ENOSYS: 38,
  EOPNOTSUPP: 95,
  ENOTSUPP: 524,
} as const;
