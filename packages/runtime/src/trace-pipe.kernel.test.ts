// bpf_printk output read back through tracePipe(). trace_pipe is shared by the whole system and
// reading consumes it, so the test looks for its own marker among whatever else comes, and holds
// the trace-pipe test lock (another reader would take the lines) while it reads.
import { AluOp, asm, R10, type ObjectSpec } from "@tsbpf/object";
import { expect, it } from "vitest";
import { loadObject } from "./load/load-object.js";
import { describeKernel } from "./testing/kernel.js";
import { exclusively } from "./testing/exclusive.js";
import { tracePipe } from "./trace-pipe.js";

const BPF_FUNC_trace_printk = 6;

/** A syscall program printing an 8-byte marker (7 characters and the NUL). */
function printer(marker: string): ObjectSpec {
  const bytes = new TextEncoder().encode(`${marker}\0`);
  const value = new DataView(bytes.buffer).getBigUint64(0, true);
  return {
    license: "GPL",
    btf: { types: [] },
    maps: [],
    programs: [
      {
        name: "print",
        section: "syscall",
        instructions: [
          ...asm.ldImm64(1, value),
          asm.stx("u64", R10, 1, -8),
          asm.mov64Reg(1, R10),
          asm.alu64Imm(AluOp.ADD, 1, -8),
          asm.mov64Imm(2, 8),
          asm.call(BPF_FUNC_trace_printk),
          asm.mov64Imm(0, 0),
          asm.exit(),
        ],
        mapReferences: [],
        funcInfo: [],
        lineInfo: [],
        coreRelocations: [],
      },
    ],
  };
}

describeKernel("tracePipe on the kernel", () => {
  it("yields bpf_printk lines with the printing task's pid", () => exclusively("trace-pipe", async () => {
    const marker = `ts${(process.pid % 100000).toString().padStart(5, "0")}`;
    await using object = await loadObject(printer(marker));
    const stop = AbortSignal.timeout(10_000);
    const reading = (async () => {
      for await (const line of tracePipe({ signal: stop })) {
        if (line.message === marker) return line;
      }
      return undefined;
    })();
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 5; i++) object.programs.get("print")!.testRun();
    const line = await reading;
    expect(line).toMatchObject({ message: marker, event: "bpf_trace_printk", pid: process.pid });
    expect(line!.timestamp).toBeGreaterThan(0);
  }));
});
