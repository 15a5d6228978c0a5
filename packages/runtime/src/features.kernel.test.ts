import { expect, it } from "vitest";
import { probeBpf, probeBtf, probePerfLink, probeRingBuf, requireFeature } from "./features.js";
import { NotSupportedError } from "./errors.js";
import { describeKernel } from "./testing/kernel.js";

describeKernel("feature probes on the kernel", () => {
  it("finds what this kernel (5.15+) has, once", () => {
    expect(probeBpf()).toEqual({ supported: true });
    expect(probeBtf()).toEqual({ supported: true });
    expect(probeRingBuf()).toEqual({ supported: true });
    expect(probePerfLink()).toEqual({ supported: true });
    expect(probeRingBuf()).toBe(probeRingBuf()); // cached
  });

  it("turns a missing feature into a NotSupportedError", () => {
    expect(() => requireFeature("time travel", { supported: false, errno: 22, reason: "needs Linux 99" })).toThrow(NotSupportedError);
    expect(() => requireFeature("time travel", { supported: false, errno: 22, reason: "needs Linux 99" })).toThrow(/time travel is not supported here: needs Linux 99/);
  });
});

describeKernel("BTF kind probes on the kernel", () => {
  it("finds the BTF kinds of a 6.x kernel", async () => {
    const { btfKernelSupport } = await import("./features.js");
    expect(btfKernelSupport()).toEqual({ declTag: true, typeTag: true, float: true, enum64: true });
  });
});
