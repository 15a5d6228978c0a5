/**
 * Gates for tests that need the real kernel. Without root or the bpf() syscall they skip with the
 * reason printed, unless TSBPF_REQUIRE_KERNEL=1 (CI), where they fail instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "vitest";

function missingKernel(): string | undefined {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  if (process.geteuid?.() !== 0) return "not root (the kernel tests load programs and need CAP_BPF/CAP_SYS_ADMIN)";
  // The sysctl exists exactly when the kernel is built with the bpf() syscall.
  if (!existsSync("/proc/sys/kernel/unprivileged_bpf_disabled")) return "this kernel has no bpf() syscall";
  return undefined;
}

const reason = missingKernel();

/** `describe` for tests that load programs into the running kernel. */
export function describeKernel(name: string, body: () => void): void {
  if (!reason) {
    describe(name, body);
  } else if (process.env.TSBPF_REQUIRE_KERNEL === "1") {
    describe(name, () => {
      it("has the kernel it requires", () => {
        throw new Error(`TSBPF_REQUIRE_KERNEL=1 but ${reason}`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

/** The path of a tool the tests need, or an explanation of why it is missing. */
export function toolPath(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin"])) {
    try {
      execFileSync("test", ["-x", `${dir}/${name}`]);
      return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not installed: run scripts/ensure-test-tools.sh (npm test does)`);
}
