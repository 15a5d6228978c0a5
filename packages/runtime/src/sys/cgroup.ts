/** cgroup v2: where its hierarchy is mounted, and cgroup directories opened for attaching. */
import { BpfError } from "../errors.js";
import type { Fd } from "./fd.js";
import { openFile, O_DIRECTORY, O_RDONLY, readTextFile } from "./files.js";

/** The cgroup v2 mount point: /sys/fs/cgroup/unified on hybrid systems, /sys/fs/cgroup on unified ones. */
export function cgroupV2Root(): string {
  for (const line of (readTextFile("/proc/self/mounts") ?? "").split("\n")) {
    const [, mountPoint, fstype] = line.split(" ");
    if (fstype === "cgroup2" && mountPoint) return mountPoint;
  }
  throw new BpfError("no cgroup v2 hierarchy is mounted (mount -t cgroup2 none /sys/fs/cgroup/unified)");
}

/** Opens a cgroup directory: an absolute path, or a path relative to the cgroup v2 root. */
export function openCgroup(path: string): Fd {
  return openFile(path.startsWith("/") ? path : `${cgroupV2Root()}/${path}`, O_RDONLY | O_DIRECTORY);
}
