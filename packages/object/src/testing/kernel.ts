/**
 * Test-only helpers for tests that need the real kernel or its tools (bpftool, clang, root).
 * Such a test skips, printing why, unless TSBPF_REQUIRE_KERNEL=1, which turns a missing
 * prerequisite into a failure so that CI on a capable machine cannot silently skip.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const requireKernel = process.env.TSBPF_REQUIRE_KERNEL === "1";

/** Whether `tool --version`-style probing finds an executable. */
export function hasTool(tool: string, args: string[] = ["--version"]): boolean {
  try {
    execFileSync(tool, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * Returns the reason a prerequisite is missing (undefined when all is there). With
 * TSBPF_REQUIRE_KERNEL=1 a missing prerequisite throws instead.
 */
export function missing(checks: Record<string, boolean>): string | undefined {
  const absent = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([what]) => what);
  if (absent.length === 0) return undefined;
  const reason = `missing: ${absent.join(", ")}`;
  if (requireKernel) throw new Error(`TSBPF_REQUIRE_KERNEL=1 but ${reason}`);
  console.warn(`skipping kernel test (${reason})`);
  return reason;
}

export const VMLINUX_BTF = "/sys/kernel/btf/vmlinux";
export const hasVmlinuxBtf = () => existsSync(VMLINUX_BTF);
