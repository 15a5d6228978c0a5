/**
 * Gates for end-to-end tests: the runtime's kernel gate (skip with the reason printed, or fail
 * under TSBPF_REQUIRE_KERNEL=1), and the external tools the interop tests use.
 */
import { execFileSync } from "node:child_process";

export { describeKernel, exclusively, tcpTransfer } from "@tsbpf/runtime/testing";

/** The path of a tool the tests need; throws (failing the test) with how to install it. */
export function toolPath(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin"])) {
    try {
      execFileSync("test", ["-x", `${dir}/${name}`]);
      return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not installed: run scripts/ensure-test-tools.sh (npm test does)`);
}
