// An infrared decoder (@lircMode2, BPF_PROG_TYPE_LIRC_MODE2). Attaching needs a LIRC device
// (an IR receiver, or rc-loopback's: test/vm/cases/progtypes.mjs decodes pulses it transmits),
// and the program type itself needs CONFIG_BPF_LIRC_MODE2, which none of the kernels here has
// (this 6.18, Debian's 6.1 and 6.12): here the load is the runtime's NotSupportedError naming the
// option, checked against the kernel's config; where the kernel has it, the program loads and
// attach() needs its device.
import { expect, it } from "vitest";
import { load, NotSupportedError } from "tsbpf";
import { PulseCounter } from "./fixtures/lirc.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { kernelConfigHas } from "./support/kernel-config.js";

describeKernel("infrared decoders (@lircMode2)", () => {
  it("loads where the kernel has lirc_mode2 programs, and is refused with the option's name where not", async () => {
    let probe;
    try {
      probe = await load(PulseCounter);
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
      expect(error.message).toMatch(/built without CONFIG_BPF_LIRC_MODE2/);
      expect(kernelConfigHas("CONFIG_BPF_LIRC_MODE2")).toBe(false);
      return;
    }
    await using loaded = probe;
    expect(kernelConfigHas("CONFIG_BPF_LIRC_MODE2")).not.toBe(false);
    expect(loaded.programs.decode.info().type).toBe(20); // BPF_PROG_TYPE_LIRC_MODE2
    expect(() => loaded.programs.decode.attach({})).toThrow(/device/);
    expect(() => loaded.programs.decode.attach({ device: "/dev/null" })).toThrow();
  }, 120_000); // the first load compiles the probe
});
