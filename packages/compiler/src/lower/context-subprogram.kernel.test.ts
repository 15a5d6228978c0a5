// Helper functions that take the program's context: an XDP program's packet context passed to a
// method that reads the packet with packetAt (run on chosen packets with BPF_PROG_TEST_RUN), and
// (test/hook-context.test.ts) a tp_btf program's context passed to a @noinline method that calls
// perfOutput and getStackId. The context reaches the callee as the pointer the program received.
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { compiledProbe, compileText } from "../testing/probes.js";

const SOURCE = `
import { Probe, xdp, packetAt, ntohs, XDP_PASS, XDP_DROP, type i32, type u32, type XdpContext, type EthHeader } from "tsbpf";

/** The frame's EtherType, or 0 when it is shorter than an Ethernet header. */
/** @noinline */
function etherType(ctx: XdpContext): u32 {
  const eth = packetAt<EthHeader>(ctx, 0);
  if (eth === null) return 0;
  return ntohs(eth.h_proto);
}

export class Filter extends Probe {
  @xdp
  filter(ctx: XdpContext): i32 {
    return this.verdict(ctx, 0x88b5);
  }

  verdict(ctx: XdpContext, drop: u32): i32 {
    return etherType(ctx) === drop ? XDP_DROP : XDP_PASS;
  }
}
`;

function frame(etherType: number): Uint8Array {
  const bytes = new Uint8Array(60);
  bytes[12] = etherType >> 8;
  bytes[13] = etherType & 0xff;
  return bytes;
}

describeKernel("helper functions taking the context", () => {
  it("a method and a @noinline function read the packet through the XDP context they are passed", async () => {
    const probe = compiledProbe(SOURCE);
    // etherType stays a BPF-to-BPF call taking the context pointer.
    expect(probe.spec.programs[0]!.instructions.some((i) => i.code === 0x85 && i.src === 1)).toBe(true);
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec);
    const program = object.programs.get("filter")!;
    expect(program.testRun({ data: frame(0x88b5) }).retval).toBe(1); // XDP_DROP
    expect(program.testRun({ data: frame(0x0800) }).retval).toBe(2); // XDP_PASS
  });
});

it("passing anything but the program's context where a function takes it is a diagnostic", () => {
  const text = SOURCE.replace("return this.verdict(ctx, 0x88b5);", "const other = ctx;\n    return this.verdict(other, 0x88b5);");
  const messages = compileText(text).diagnostics.filter((d) => d.category === "error").map((d) => d.message);
  expect(messages).toEqual(["'ctx' takes the program's context: pass the program's ctx parameter itself"]);
});
