/**
 * Where an event or a series came from: a cgroup id found in a key or an event (a member named
 * `cgroupId`, `cgroup_id` or `cgroup`: what bpf.getCurrentCgroupId() returned), or else a process
 * id (`pid`, `tgid`), becomes the cgroup's path, its container id and, on a Kubernetes node, the
 * pod's uid, namespace and name, as Inspektor Gadget's events carry them.
 */
import { parseCgroupPath, type CgroupIdentity } from "./identity.js";
import { CgroupPaths, processCgroup } from "./paths.js";
import { PodNames } from "./pods.js";
import type { Labels } from "../labels.js";

export interface Identity extends CgroupIdentity {
  podNamespace?: string;
  podName?: string;
}

export interface EnrichOptions {
  /** cgroup ids to paths (default: a CgroupPaths on the cgroup2 mount). */
  cgroups?: CgroupPaths;
  /** Pod names by uid (default: from /var/log/pods). */
  pods?: PodNames;
  /** Where /proc is (a container sees the host's at another path when it mounts it). */
  proc?: string;
}

const CGROUP_FIELDS = ["cgroupId", "cgroup_id", "cgroup"];
const PID_FIELDS = ["pid", "tgid"];

function member(value: unknown, names: string[]): bigint | undefined {
  if (!value || typeof value !== "object") return undefined;
  for (const name of names) {
    const v = (value as Record<string, unknown>)[name];
    if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return BigInt(v);
  }
  return undefined;
}

export class Enricher {
  readonly cgroups: CgroupPaths;
  readonly pods: PodNames;
  readonly #proc: string;

  constructor(options: EnrichOptions = {}) {
    this.cgroups = options.cgroups ?? new CgroupPaths();
    this.pods = options.pods ?? new PodNames();
    this.#proc = options.proc ?? "/proc";
  }

  /** The identity of a cgroup by its id, or undefined when no cgroup has it (any more). */
  ofCgroupId(id: bigint | number): Identity | undefined {
    const path = this.cgroups.path(id);
    return path === undefined ? undefined : this.#withPod(parseCgroupPath(path));
  }

  /** The identity of a running process: its v2 cgroup, or a v1 path that names a container (hybrid hosts). */
  ofPid(pid: number): Identity | undefined {
    const cgroups = processCgroup(pid, this.#proc);
    if (!cgroups) return undefined;
    const v2 = parseCgroupPath(cgroups.v2 ?? "/");
    if (v2.containerId || v2.podUid) return this.#withPod(v2);
    for (const path of cgroups.v1) {
      const v1 = parseCgroupPath(path);
      if (v1.containerId || v1.podUid) return this.#withPod({ ...v1, path: v2.path });
    }
    return this.#withPod(v2);
  }

  /** The identity of whatever an event or key names: a cgroup id member, else a pid member. */
  of(value: unknown): Identity | undefined {
    const cgroup = member(value, CGROUP_FIELDS);
    if (cgroup !== undefined) return this.ofCgroupId(cgroup);
    const pid = member(value, PID_FIELDS);
    return pid !== undefined && pid > 0n ? this.ofPid(Number(pid)) : undefined;
  }

  /** An event with its identity under `source` (the event unchanged when it names none). */
  event<E extends object>(event: E): E & { source?: Identity } {
    const source = this.of(event);
    return source ? { ...event, source } : event;
  }

  /**
   * Labels with the identity of a series' cgroup added (`cgroup`, `container_id`, `pod_uid`,
   * `namespace`, `pod`), when a key member (or a scalar key labelled so) gave a `cgroup_id` label.
   * Only cgroup ids: a pid-keyed series already names its process.
   */
  labels(labels: Labels): Labels {
    const text = labels.cgroup_id;
    const id = text !== undefined && /^\d+$/.test(text) ? this.ofCgroupId(BigInt(text)) : undefined;
    if (!id) return labels;
    return {
      ...labels,
      cgroup: id.path,
      ...(id.containerId ? { container_id: id.containerId } : {}),
      ...(id.podUid ? { pod_uid: id.podUid } : {}),
      ...(id.podNamespace ? { namespace: id.podNamespace } : {}),
      ...(id.podName ? { pod: id.podName } : {}),
    };
  }

  #withPod(id: CgroupIdentity): Identity {
    const pod = id.podUid ? this.pods.get(id.podUid) : undefined;
    return pod ? { ...id, podNamespace: pod.namespace, podName: pod.name } : id;
  }
}
