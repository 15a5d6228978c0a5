/**
 * What a cgroup path says about who runs in it, as container runtimes and the kubelet name their
 * cgroups (the same facts Inspektor Gadget and the Prometheus node tools read):
 * - a container id, 64 hex digits: `docker-<id>.scope` (Docker, systemd driver), `/docker/<id>`
 *   (cgroupfs driver), `cri-containerd-<id>.scope` and `/kubepods/.../<id>` (containerd),
 *   `crio-<id>.scope` (CRI-O), `libpod-<id>.scope` (Podman);
 * - a Kubernetes pod's uid and QoS class: `kubepods-<qos>-pod<uid with _ for ->.slice` (systemd
 *   driver; a Guaranteed pod has no qos part) or `/kubepods/<qos>/pod<uid>/` (cgroupfs driver).
 * A pod's namespace and name are not in the path: pods.ts finds them by the uid.
 */
export interface CgroupIdentity {
  /** The cgroup's path in the v2 hierarchy, from its root (`/` is the root). */
  path: string;
  containerId?: string;
  /** Which runtime's naming the container id came from. */
  runtime?: "docker" | "containerd" | "cri-o" | "podman";
  podUid?: string;
  qosClass?: "guaranteed" | "burstable" | "besteffort";
}

const SCOPES: [RegExp, CgroupIdentity["runtime"]][] = [
  [/^docker-([0-9a-f]{64})\.scope$/, "docker"],
  [/^cri-containerd-([0-9a-f]{64})\.scope$/, "containerd"],
  [/^crio-([0-9a-f]{64})\.scope$/, "cri-o"],
  [/^libpod-([0-9a-f]{64})\.scope$/, "podman"],
];

/** Parses a cgroup path (from /proc/<pid>/cgroup or the cgroup fs). */
export function parseCgroupPath(path: string): CgroupIdentity {
  const out: CgroupIdentity = { path };
  const parts = path.split("/").filter(Boolean);
  let inKubepods = false;
  for (const [index, part] of parts.entries()) {
    if (part === "kubepods" || part.startsWith("kubepods")) inKubepods = true;
    const slice = /^kubepods(?:-(burstable|besteffort))?-pod([0-9a-f_]{36})\.slice$/.exec(part);
    if (slice) {
      out.podUid = slice[2]!.replaceAll("_", "-");
      out.qosClass = (slice[1] as CgroupIdentity["qosClass"]) ?? "guaranteed";
      continue;
    }
    const pod = /^pod([0-9a-f-]{36})$/.exec(part);
    if (pod && inKubepods) {
      out.podUid = pod[1];
      const qos = parts[index - 1];
      out.qosClass = qos === "burstable" || qos === "besteffort" ? qos : "guaranteed";
      continue;
    }
    for (const [pattern, runtime] of SCOPES) {
      const m = pattern.exec(part);
      if (m) [out.containerId, out.runtime] = [m[1], runtime];
    }
    if (/^[0-9a-f]{64}$/.test(part)) {
      // cgroupfs drivers: a bare id under /docker/ or under a pod's cgroup.
      if (parts[index - 1] === "docker") [out.containerId, out.runtime] = [part, "docker"];
      else if (out.podUid) out.containerId = part;
    }
  }
  return out;
}
