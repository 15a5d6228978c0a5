// A tc action (@tcAction, BPF_PROG_TYPE_SCHED_ACT): test runs give TC_ACT_SHOT for datagrams to
// the drop port and TC_ACT_OK otherwise, counting both kinds; attached as the bpf action of a
// matchall filter on a veth's ingress in a test namespace, it counts and drops what the test
// sends (the receiver's sockets get exactly the datagrams let through). This kernel is built
// without act_bpf and matchall (DESIGN.md §5): there the attach is a NotSupportedError naming
// them, checked against the kernel's config, and the veth check runs in the VM kernels
// (test/vm/cases/progtypes.mjs, through test/other-kernel.test.ts).
import { expect, it } from "vitest";
import { load, NotSupportedError } from "tsbpf";
import { createTestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { ActionCounter } from "./fixtures/tc-action.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { kernelConfigHas } from "./support/kernel-config.js";
import { ipv4Packet } from "./support/packets.js";
import { actionOnVeth } from "./vm/cases/tc-action-veth.mjs";

const PASS_PORT = 9401;
const DROP_PORT = 9402;
const TC_ACT_OK = 0;
const TC_ACT_SHOT = 2;

describeKernel("tc actions (@tcAction)", () => {
  it("test runs: TC_ACT_SHOT for the drop port, TC_ACT_OK otherwise, each counted", async () => {
    await using probe = await load(ActionCounter, { config: { passPort: PASS_PORT, dropPort: DROP_PORT } });
    expect(probe.programs.act.info().type).toBe(4); // BPF_PROG_TYPE_SCHED_ACT
    const run = (destPort: number, protocol = 17) => probe.programs.act.testRun({ data: ipv4Packet({ destPort, protocol }) }).retval;
    expect([run(DROP_PORT), run(PASS_PORT), run(PASS_PORT), run(9999), run(DROP_PORT, 6)]).toEqual([TC_ACT_SHOT, TC_ACT_OK, TC_ACT_OK, TC_ACT_OK, TC_ACT_OK]);
    expect([probe.passed, probe.dropped]).toEqual([2n, 1n]);
  }, 120_000); // the first load compiles the probe

  it("on a veth's ingress: counts what it lets through, drops the rest (receiver's sockets)", async (ctx) => {
    await using probe = await load(ActionCounter, { config: { passPort: PASS_PORT, dropPort: DROP_PORT } });
    const net = createTestNetwork("tcact");
    try {
      const result = await actionOnVeth({
        attach: () => probe.programs.act.attach({ interface: net.receiverIf, direction: "ingress", netns: net.receiver }),
        counts: () => [probe.passed, probe.dropped],
        net,
        passPort: PASS_PORT,
        dropPort: DROP_PORT,
      });
      expect(result).toEqual({ sent: { pass: 5, drop: 3 }, received: { pass: 5, drop: 0 }, counted: [5n, 3n], filter: true, afterDetach: 2 });
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
      // The runtime's reason must be the kernel's: built without the bpf action or matchall.
      expect(error.message).toMatch(/CONFIG_NET_ACT_BPF/);
      expect(kernelConfigHas("CONFIG_NET_ACT_BPF") === false || kernelConfigHas("CONFIG_NET_CLS_MATCHALL") === false).toBe(true);
      console.warn(`tsbpf: tc action attach not run on this kernel: ${error.message}`);
      ctx.skip();
    } finally {
      net.cleanup();
    }
  }, 120_000);
});
