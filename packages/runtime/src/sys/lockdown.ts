/**
 * The kernel lockdown mode (none, integrity, confidentiality), which explains why root is refused
 * fentry/fexit/LSM programs and bpf_probe_write_user. It is read from securityfs, mounted at
 * /sys/kernel/security when the process may and it is not mounted yet (as tracefs is).
 */
import { door } from "./door.js";
import { pathExists, readTextFile } from "./files.js";

const ROOT = "/sys/kernel/security";
let cached: string | undefined | null = null;

/** "none", "integrity", "confidentiality", or undefined when the kernel does not say. */
export function lockdownMode(): string | undefined {
  if (cached !== null) return cached;
  let text = readTextFile(`${ROOT}/lockdown`);
  if (text === undefined && pathExists(ROOT) && door().geteuid() === 0) {
    door().mount("securityfs", ROOT, "securityfs", 0);
    text = readTextFile(`${ROOT}/lockdown`);
  }
  cached = text ? /\[(\w+)\]/.exec(text)?.[1] : undefined;
  return cached;
}
