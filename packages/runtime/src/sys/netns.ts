/**
 * Network namespaces and interface names. Interfaces (ifindex) and the attachments made on them
 * belong to a network namespace; `inNetns` runs a synchronous function with the JS thread moved
 * into another namespace (setns affects only the calling thread) and always moves it back.
 */
import { BpfError } from "../errors.js";
import { door } from "./door.js";
import { Fd } from "./fd.js";
import { openFile, O_RDONLY } from "./files.js";

export const CLONE_NEWNET = 0x40000000;

/** `/var/run/netns/<name>` for a name as `ip netns add` creates it; a path is used as is. */
export function netnsPath(nameOrPath: string): string {
  return nameOrPath.includes("/") ? nameOrPath : `/var/run/netns/${nameOrPath}`;
}

/** Opens a network namespace (a name from `ip netns`, or a path such as /proc/<pid>/ns/net). */
export function openNetns(nameOrPath: string): Fd {
  return openFile(netnsPath(nameOrPath), O_RDONLY);
}

/** Runs `fn` inside the network namespace `nameOrPath` (undefined: the current one). */
export function inNetns<T>(nameOrPath: string | undefined, fn: () => T): T {
  if (nameOrPath === undefined) return fn();
  const home = openFile("/proc/thread-self/ns/net", O_RDONLY);
  try {
    const target = openNetns(nameOrPath);
    try {
      const r = door().setns(target.raw, CLONE_NEWNET);
      if (r < 0) throw BpfError.fromErrno("setns", -r, nameOrPath);
    } finally {
      target.close();
    }
    try {
      return fn();
    } finally {
      const back = door().setns(home.raw, CLONE_NEWNET);
      if (back < 0) throw BpfError.fromErrno("setns (returning to the original network namespace)", -back);
    }
  } finally {
    home.close();
  }
}

/** The index of interface `name` in the current network namespace; numbers pass through. */
export function interfaceIndex(nameOrIndex: string | number): number {
  if (typeof nameOrIndex === "number") return nameOrIndex;
  const r = door().ifNameToIndex(nameOrIndex);
  if (r < 0) throw BpfError.fromErrno("if_nametoindex", -r, `interface ${nameOrIndex}`);
  return r;
}
