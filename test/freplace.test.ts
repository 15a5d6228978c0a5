// freplace (BPF_PROG_TYPE_EXT): an XDP program whose verdict comes from a `@globalFunction`
// (XDP_PASS), and a `@freplace("verdict")` program loaded against it (XDP_DROP). Test runs of the
// XDP program show the replacement's result while its link is attached and the original's
// before and after; both programs count their runs. Needs Linux 5.10 (freplace links); a kernel
// that refuses the load (lockdown: DESIGN.md §5) skips here with the runtime's reason, and the
// same checks run in the VM kernels (test/vm/cases/progtypes.mjs, through test/other-kernel.test.ts).
import { expect, it } from "vitest";
import { load, NotSupportedError } from "tsbpf";
import { DropAll, NoGlobal, Verdict } from "./fixtures/freplace.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";

const XDP_DROP = 1;
const XDP_PASS = 2;

describeKernel("freplace (@freplace of a @globalFunction)", () => {
  it("replaces the target's global function while attached: test runs give the replacement's verdict", async (ctx) => {
    await using target = await load(Verdict);
    const packet = ipv4Packet({ payload: 10 });
    expect(target.programs.main.testRun({ data: packet }).retval).toBe(XDP_PASS);
    let replacement;
    try {
      replacement = await load(DropAll, { freplaceTarget: target.programs.main.fd });
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
      console.warn(`tsbpf: freplace not run on this kernel: ${error.message}`);
      ctx.skip();
      return;
    }
    await using _replacement = replacement;
    expect(replacement.programs.verdict.info().type).toBe(28); // BPF_PROG_TYPE_EXT
    const link = [replacement.programs.verdict.attach()].flat()[0]!;
    try {
      for (let i = 0; i < 3; i++) expect(target.programs.main.testRun({ data: packet }).retval).toBe(XDP_DROP);
      expect(replacement.replaced).toBe(3n);
    } finally {
      link.close();
    }
    expect(target.programs.main.testRun({ data: packet }).retval).toBe(XDP_PASS);
    expect(replacement.replaced).toBe(3n);
    expect(target.calls).toBe(5n);
  }, 120_000); // the first load compiles the probes

  // Both are found out from the target's BTF before the kernel sees the program: they fail the same here.
  it("a freplace program needs its target at load, and a target with that global function", async () => {
    await expect(load(DropAll)).rejects.toThrow(/pass \{ freplaceTarget: <that program's fd> \}/);
    await using other = await load(NoGlobal);
    await expect(load(DropAll, { freplaceTarget: other.programs.main.fd })).rejects.toThrow(/the target program has no function verdict in its BTF/);
  }, 120_000);
});
