// @kprobeMulti/@kretprobeMulti compile to kprobe.multi/<glob> and kretprobe.multi/<name> programs
// that load through the verifier as kprobe programs with the KPROBE_MULTI attach type. Attaching
// runs them where the kernel has fprobe (5.18, CONFIG_FPROBE): every opened file is counted, and
// bpf.getFuncIp/bpf.getAttachCookie see the function and the cookie. Where the kernel refuses,
// attach() is a NotSupportedError that names the cause (found by attaching, not by the version).
import { closeSync, openSync } from "node:fs";
import { expect, it } from "vitest";
import { NotSupportedError, load } from "tsbpf";
import { compileFile } from "@tsbpf/compiler";
import { OpenMulti } from "./fixtures/kprobe-multi.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { fixture } from "./support/paths.js";

it("names libbpf's sections", () => {
  const [probe] = compileFile(fixture("kprobe-multi.bpf.ts")).probes;
  expect(probe!.spec.programs.map((p) => p.section)).toEqual(["kprobe.multi/do_sys_opena?2", "kretprobe.multi/do_sys_openat2"]);
  // bpf_get_func_ip (173) and bpf_get_attach_cookie (174), each given the context (r1 = r6, the saved ctx).
  const calls = probe!.spec.programs[0]!.instructions.filter((i) => i.code === 0x85 && i.src === 0).map((i) => i.imm);
  expect(calls.filter((id) => id === 173 || id === 174)).toEqual([173, 174]);
});

describeKernel("kprobe.multi programs from the DSL", () => {
  it("load, and run where the kernel attaches them; else attach() is a NotSupportedError with its cause", async () => {
    await using probe = await load(OpenMulti);
    // programs.<name>.attach() hands the link to the probe: closing it detaches it. The plain
    // name goes straight to BPF_LINK_CREATE; the glob is first matched against tracefs's
    // available_filter_functions, which a locked-down kernel refuses to list.
    const refusals: string[] = [];
    for (const [attach, cause] of [
      [() => probe.programs.exit!.attach(), /KPROBE_MULTI/],
      [() => probe.programs.enter!.attach({ cookies: [0x7e57n] }), /KPROBE_MULTI|available_filter_functions/],
    ] as const) {
      try {
        attach();
      } catch (error) {
        expect(error).toBeInstanceOf(NotSupportedError);
        expect((error as Error).message).toMatch(cause);
        refusals.push((error as Error).message);
      }
    }
    if (refusals.length > 0) {
      console.warn(`kprobe.multi not run here:\n${refusals.join("\n")}`);
      return;
    }
    for (let i = 0; i < 3; i++) closeSync(openSync("/dev/null", "r"));
    expect(probe.seen.get(0)).toBeGreaterThanOrEqual(3n);
    expect(probe.seen.get(1)).toBeGreaterThanOrEqual(3n);
    expect(probe.seen.get(2)).not.toBe(0n);
    expect(probe.seen.get(3)).toBe(0x7e57n);
  });
});
