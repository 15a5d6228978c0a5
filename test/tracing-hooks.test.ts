// @lsm and @fmodRet compile to lsm/<hook> and fmod_ret/<function> programs. A locked-down kernel
// refuses to load them: load() throws a NotSupportedError that names the cause and a remedy
// (found by loading, not by the kernel's version); where they load, opening a file runs them.
import { closeSync, openSync } from "node:fs";
import { expect, it } from "vitest";
import { NotSupportedError, load } from "tsbpf";
import { compileFile } from "@tsbpf/compiler";
import { Guard } from "./fixtures/tracing-hooks.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { fixture } from "./support/paths.js";

it("names libbpf's sections", () => {
  const [probe] = compileFile(fixture("tracing-hooks.bpf.ts")).probes;
  expect(probe!.spec.programs.map((p) => p.section)).toEqual(["lsm/file_open", "fmod_ret/security_file_open"]);
});

describeKernel("lsm and fmod_ret programs", () => {
  it("run where the kernel allows them, and are a NotSupportedError with its cause where it does not", async () => {
    let guard;
    try {
      guard = await load(Guard);
    } catch (error) {
      expect(error).toBeInstanceOf(NotSupportedError);
      const e = error as NotSupportedError;
      expect(e.message).toMatch(/lockdown|LSM|not supported|refused/i);
      console.warn(`lsm/fmod_ret not run here: ${e.message}`);
      return;
    }
    await using loaded = guard;
    loaded.attach();
    closeSync(openSync("/dev/null", "r"));
    expect(loaded.seen.get(0)).toBeGreaterThanOrEqual(1n);
    expect(loaded.seen.get(1)).toBeGreaterThanOrEqual(1n);
  });
});
