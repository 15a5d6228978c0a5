/**
 * A pod's namespace and name by its uid. The cgroup path gives only the uid; the kubelet writes
 * each pod's container logs under `/var/log/pods/<namespace>_<name>_<uid>/` on its node, so a
 * DaemonSet that mounts that folder read-only (deploy/) finds them without asking the API server.
 * Neither a namespace nor a pod name may hold `_` (both are DNS labels or subdomains), so the
 * folder's name splits unambiguously.
 */
import { readdirSync } from "node:fs";

export interface PodName { namespace: string; name: string }

export class PodNames {
  readonly #dir: string;
  readonly #rescanMs: number;
  #byUid = new Map<string, PodName>();
  #scannedAt = -Infinity;

  /** `dir`: default $TSBPF_POD_LOGS, else /var/log/pods. */
  constructor(dir = process.env.TSBPF_POD_LOGS || "/var/log/pods", rescanMs = 1000) {
    this.#dir = dir;
    this.#rescanMs = rescanMs;
  }

  get(uid: string): PodName | undefined {
    const known = this.#byUid.get(uid);
    if (known || performance.now() - this.#scannedAt < this.#rescanMs) return known;
    this.#scan();
    return this.#byUid.get(uid);
  }

  #scan(): void {
    const byUid = new Map<string, PodName>();
    let names: string[] = [];
    try {
      names = readdirSync(this.#dir);
    } catch {
      // not a Kubernetes node, or the folder is not mounted
    }
    for (const entry of names) {
      const m = /^([^_]+)_([^_]+)_([0-9a-f-]{36})$/.exec(entry);
      if (m) byUid.set(m[3]!, { namespace: m[1]!, name: m[2]! });
    }
    this.#byUid = byUid;
    this.#scannedAt = performance.now();
  }
}
