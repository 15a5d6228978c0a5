/**
 * Test-only: a cgroup v2 made for one test, named as the kubelet and containerd name a container's
 * cgroup on a Kubernetes node (systemd driver), so that its path carries a pod uid and a
 * container id; processes are moved in by writing their pid to cgroup.procs, as a runtime does.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cgroupV2Root } from "@tsbpf/runtime";

export interface TestCgroup {
  /** The cgroup's path from the v2 root (what the exporter labels `cgroup`). */
  path: string;
  /** Its id: the inode number of its directory (what bpf_get_current_cgroup_id() returns in it). */
  id: bigint;
  podUid: string;
  containerId: string;
  /** Moves a process in. */
  enter(pid: number): void;
  /** Removes the cgroups made (their processes must have exited). */
  remove(): void;
}

export function makeTestCgroup(tag: string): TestCgroup {
  const root = cgroupV2Root();
  const podUid = randomUUID();
  const containerId = randomBytes(32).toString("hex");
  const parts = [
    `tsbpf-${tag}-${process.pid}`, "kubepods.slice", "kubepods-besteffort.slice",
    `kubepods-besteffort-pod${podUid.replaceAll("-", "_")}.slice`, `cri-containerd-${containerId}.scope`,
  ];
  const path = "/" + parts.join("/");
  mkdirSync(join(root, path), { recursive: true });
  return {
    path,
    id: statSync(join(root, path), { bigint: true }).ino,
    podUid,
    containerId,
    enter: (pid) => writeFileSync(join(root, path, "cgroup.procs"), `${pid}\n`),
    remove: () => {
      for (let n = parts.length; n > 0; n--) {
        try {
          rmdirSync(join(root, ...parts.slice(0, n)));
        } catch {
          // a process still in it, or already gone
        }
      }
    },
  };
}
