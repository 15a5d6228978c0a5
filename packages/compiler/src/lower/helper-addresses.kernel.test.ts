// Helpers that take a map, and integer locals, members and elements passed by address (C's
// `&map`, `&x`, `&b.buf[3]`): bpf_map_update_elem/lookup/delete on a map field with an integer
// local key, and bpf_probe_read_kernel into an integer local and into an element, run in the
// kernel and checked against the inputs and against the map's own methods.
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { runKernelCase } from "../testing/kernel-run.js";

describeKernel("map fields and integer places as helper pointer arguments", () => {
  it("update, look up and delete through bpf.map*Elem(this.m, &key, &value); read into a local and an element", async () => {
    const inputs = [[7n, 0x1234n, 3n], [0xffffffffn, 0n, 0xabcdef0123456789n]];
    const results = await runKernelCase({
      preamble: "interface Buf { head: u32; bytes: FixedArray<u64, 4> }",
      members: "  m = new HashMap<u32, u64>({ maxEntries: 4 });",
      body: `
    const key = u32(A);
    let value: u64 = B;
    out(0, u64(bpf.mapUpdateElem(this.m, key, value, 0n) + 100n));
    const p = this.m.lookup(key);
    if (p) out(1, p.value);
    out(2, bpf.mapLookupElem(this.m, key) !== 0n ? 1n : 0n);
    let copy: u64 = 0n;
    bpf.probeReadKernel(copy, 8, bpf.mapLookupElem(this.m, key));
    out(3, copy);
    const b: Buf = zero();
    bpf.probeReadKernel(b.bytes[2], 8, bpf.mapLookupElem(this.m, key));
    out(4, b.bytes[2]);
    out(5, b.bytes[1] + b.bytes[3]);
    out(6, u64(bpf.mapDeleteElem(this.m, key) + 100n));
    out(7, this.m.lookup(key) ? 1n : 0n);
    value = C;`,
    }, inputs);
    inputs.forEach(([, B], i) => expect(Object.fromEntries(results[i]!)).toEqual({ 0: 100n, 1: B, 2: 1n, 3: B, 4: B, 5: 0n, 6: 100n, 7: 0n }));
  });
});
