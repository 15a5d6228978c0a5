/**
 * cgroup ids to paths. On cgroup v2 a cgroup's id (what bpf_get_current_cgroup_id(),
 * bpf_skb_cgroup_id() and the cgroup programs see; kernel 4.18) is the inode number of its
 * directory in the cgroup2 mount (kernfs node ids since 5.5), so walking the mount and reading each
 * directory's inode number maps every id to its path. The walk is cached; an unknown id (a cgroup
 * made since) walks again, at most once per `rescanMs`, and the walk stops at `maxCgroups`
 * directories, so that lookups stay bounded in cost.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cgroupV2Root } from "@tsbpf/runtime";

export interface CgroupPathsOptions {
  /**
   * The cgroup2 mount (default: $TSBPF_CGROUP_ROOT, else found in /proc/self/mounts). A container
   * in its own cgroup namespace sees only its subtree there: deploy/ mounts the host's hierarchy
   * at /host/sys/fs/cgroup and names it in TSBPF_CGROUP_ROOT.
   */
  root?: string;
  /** The least time between two walks caused by unknown ids (default 1000 ms). */
  rescanMs?: number;
  /** The most directories one walk visits (default 100000). */
  maxCgroups?: number;
}

export class CgroupPaths {
  readonly root: string;
  readonly #rescanMs: number;
  readonly #max: number;
  #byId = new Map<bigint, string>();
  #scannedAt = -Infinity;

  constructor(options: CgroupPathsOptions = {}) {
    this.root = options.root ?? (process.env.TSBPF_CGROUP_ROOT || cgroupV2Root());
    this.#rescanMs = options.rescanMs ?? 1000;
    this.#max = options.maxCgroups ?? 100_000;
  }

  /** The path (from the hierarchy's root, `/` for the root) of the cgroup with this id, or undefined. */
  path(id: bigint | number): string | undefined {
    const key = BigInt(id);
    const known = this.#byId.get(key);
    if (known !== undefined || performance.now() - this.#scannedAt < this.#rescanMs) return known;
    this.rescan();
    return this.#byId.get(key);
  }

  /** The id of the cgroup at `path` (relative to the root). */
  id(path: string): bigint {
    return statSync(join(this.root, path), { bigint: true }).ino;
  }

  /** Walks the hierarchy again. */
  rescan(): void {
    const byId = new Map<bigint, string>();
    const stack = ["/"];
    while (stack.length > 0 && byId.size < this.#max) {
      const relative = stack.pop()!;
      const dir = join(this.root, relative);
      try {
        byId.set(statSync(dir, { bigint: true }).ino, relative);
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) stack.push(relative === "/" ? `/${entry.name}` : `${relative}/${entry.name}`);
        }
      } catch {
        // removed during the walk
      }
    }
    this.#byId = byId;
    this.#scannedAt = performance.now();
  }
}

/** A process's cgroup v2 path (the `0::` line of /proc/<pid>/cgroup), or undefined if it is gone. */
export function processCgroup(pid: number, proc = "/proc"): { v2: string | undefined; v1: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(`${proc}/${pid}/cgroup`, "utf8");
  } catch {
    return undefined;
  }
  let v2: string | undefined;
  const v1: string[] = [];
  for (const line of text.split("\n")) {
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    if (first < 0 || second < 0) continue;
    const [hierarchy, path] = [line.slice(0, first), line.slice(second + 1)];
    if (hierarchy === "0") v2 = path;
    else v1.push(path);
  }
  return { v2, v1 };
}
