// A writable raw tracepoint (@rawTracepointWritable): bpf_test_finish hands every packet
// program's BPF_PROG_TEST_RUN result to its programs through a writable `int *err`. Attached,
// the probe turns this process's test runs of a socket filter into the errno it was configured
// with (and saw the real result, 0, first); other processes' runs are left alone by its filter;
// detached, the runs succeed again. A plain tracepoint is not writable: attaching there fails.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { ForceTestRunError } from "./fixtures/raw-tp-writable.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";

const EDOM = 33;
/** A socket filter's skb starts after the Ethernet header: its length is the packet's less 14. */
const ETH_HLEN = 14;

describeKernel("writable raw tracepoints (@rawTracepointWritable)", () => {
  it("rewrites bpf_test_finish's result: this process's test runs fail with the chosen errno", async () => {
    await using probe = await load(ForceTestRunError, { config: { targetTgid: process.pid, forcedErrno: EDOM } });
    const packet = ipv4Packet({ payload: 10 });
    expect(probe.programs.keep.testRun({ data: packet }).retval).toBe(packet.length - ETH_HLEN);
    expect(probe.programs.rewrite.info().type).toBe(24); // BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE
    const link = probe.programs.rewrite.attach();
    try {
      for (let i = 0; i < 3; i++) expect(() => probe.programs.keep.testRun({ data: packet })).toThrow(expect.objectContaining({ errno: EDOM }));
      expect(probe.rewritten).toBe(3n);
      expect(probe.original).toBe(0);
    } finally {
      [link].flat().forEach((l) => l.close());
    }
    expect(probe.programs.keep.testRun({ data: packet }).retval).toBe(packet.length - ETH_HLEN);
    expect(probe.rewritten).toBe(3n);
  }, 120_000); // the first load compiles the probe

  it("another process's test runs are not its target: the filter leaves them alone", async () => {
    await using probe = await load(ForceTestRunError, { config: { targetTgid: 1, forcedErrno: EDOM } });
    using _link = [probe.programs.rewrite.attach()].flat()[0]!;
    const packet = ipv4Packet({ payload: 10 });
    expect(probe.programs.keep.testRun({ data: packet }).retval).toBe(packet.length - ETH_HLEN);
    expect(probe.rewritten).toBe(0n);
  }, 120_000);

  it("a tracepoint that is not writable refuses the program (EINVAL)", async () => {
    await using probe = await load(ForceTestRunError, { config: { targetTgid: process.pid, forcedErrno: EDOM } });
    expect(() => probe.programs.rewrite.attach({ tracepoint: "sched_switch" })).toThrow(/raw tracepoint sched_switch is not writable/);
  }, 120_000);
});
