/**
 * Tests that need the real kernel: `describeKernel` / `itKernel` run them where bpf() works and
 * the process may use it, skip them elsewhere with the reason printed, and FAIL instead of
 * skipping when TSBPF_REQUIRE_KERNEL=1 (CI on a BPF-capable machine must not skip silently).
 *
 *   import { describeKernel } from "@tsbpf/runtime/testing";
 *   describeKernel("ring buffers", () => { it("...", async () => { ... }) });
 */
import { describe, it } from "vitest";
import { kernelUnavailableReason } from "../features.js";

let warned = false;

function required(): boolean {
  return process.env.TSBPF_REQUIRE_KERNEL === "1";
}

function note(reason: string): void {
  if (warned) return;
  warned = true;
  console.warn(`tsbpf: skipping kernel tests: ${reason} (set TSBPF_REQUIRE_KERNEL=1 to make this a failure)`);
}

/** Why kernel tests cannot run here, or undefined when they can. */
export function kernelTestSkipReason(): string | undefined {
  return kernelUnavailableReason();
}

/** `describe` for a group of kernel tests. */
export function describeKernel(name: string, body: () => void): void {
  const reason = kernelUnavailableReason();
  if (!reason) {
    describe(name, body);
  } else if (required()) {
    describe(name, () => {
      it("needs the kernel (TSBPF_REQUIRE_KERNEL=1)", () => {
        throw new Error(`kernel tests are required but cannot run: ${reason}`);
      });
    });
  } else {
    note(reason);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

/** `it` for a single kernel test. */
export function itKernel(name: string, body: () => unknown, timeout?: number): void {
  const reason = kernelUnavailableReason();
  if (!reason) {
    it(name, body, timeout);
  } else if (required()) {
    it(name, () => {
      throw new Error(`kernel tests are required but cannot run: ${reason}`);
    });
  } else {
    note(reason);
    it.skip(`${name} (skipped: ${reason})`, body);
  }
}
