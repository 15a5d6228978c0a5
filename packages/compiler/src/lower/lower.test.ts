// Lowering types operators as C does, turns members into loads at constant offsets, and keeps
// the null checks of map lookups as branches on the pointer.
import { describe, expect, it } from "vitest";
import { irOf, probeSource } from "../testing/probes.js";

const FIELDS = "  @config limit: u32 = 3;\n  counts = new HashMap<u32, u64>({ maxEntries: 8 });";

function ir(body: string, options: { raw?: boolean; preamble?: string } = { raw: true }): string {
  const result = irOf(probeSource(body, { fields: FIELDS, ...(options.preamble ? { preamble: options.preamble } : {}) }), { raw: options.raw ?? true });
  expect(result.diagnostics.items).toEqual([]);
  return result.printed;
}

describe("C typing of operators", () => {
  it("computes u8 + u8 in i32 and truncates when storing into a u8", () => {
    const out = ir("const a: u8 = u8(ctx.args[0]); const b: u8 = u8(ctx.args[1]); const wide = a + b; const narrow: u8 = a + b; return wide + narrow;");
    expect(out).toMatch(/conv\.u8\.i32 %\d+\.a/);
    expect(out).toMatch(/add\.i32/);
    expect(out).toMatch(/conv\.i32\.u8/);
  });

  it("compares a signed and an unsigned int as unsigned", () => {
    const out = ir("const s: i32 = i32(ctx.args[0]); const u: u32 = u32(ctx.args[1]); return s < u ? 1 : 0;");
    expect(out).toMatch(/conv\.i32\.u32 %\d+\.s/);
    expect(out).toMatch(/if lt\.u32/);
  });

  it("divides with the signedness of the common kind", () => {
    const out = ir("const s: i32 = i32(ctx.args[0]); const u: u32 = u32(ctx.args[1]); const d = s / 3; const e = u / 3; const f = ctx.args[2] % 5n; return d + i32(e) + i32(f);");
    expect(out).toMatch(/div\.i32 %\d+\.s, 3:i32/);
    expect(out).toMatch(/div\.u32 %\d+\.u, 3:u32/);
    expect(out).toMatch(/mod\.u64 %\d+, 5:u64/);
  });

  it("gives a shift the promoted kind of its left operand", () => {
    const out = ir("const b: u8 = u8(ctx.args[0]); const x = b << 4; const y = ctx.args[1] >> 3n; const z = i64(ctx.args[2]) >> 2n; return x + i32(y) + i32(z);");
    expect(out).toMatch(/shl\.i32/);
    expect(out).toMatch(/shr\.u64/);
    expect(out).toMatch(/shr\.i64/);
  });

  it("extends a signed value when it widens to 64 bits", () => {
    const out = ir("const s: i32 = i32(ctx.args[0]); const w: i64 = s; return i32(w);");
    expect(out).toMatch(/conv\.i32\.i64/);
  });
});

describe("places", () => {
  it("reads context members at constant offsets from the context pointer", () => {
    const out = ir("const fd = ctx.args[1]; const pid = ctx.ent.pid; const id = ctx.id; return i32(fd) + pid + i32(id);");
    expect(out).toContain("load.u64 [%0.ctx+24]");
    expect(out).toContain("load.i32 [%0.ctx+4]");
    expect(out).toContain("load.i64 [%0.ctx+8]");
  });

  it("reads @config fields from .rodata", () => {
    const out = ir("return i32(this.limit);");
    expect(out).toContain("load.u32 [.rodata+0]");
  });

  it("builds struct literals in place, zeroing only the bytes no member covers", () => {
    const out = ir('const ev: Ev = { a: 1, b: 2n, name: "hi" }; return i32(ev.a);', { raw: true, preamble: "interface Ev { a: u8; b: u64; name: CharArray<5> }" });
    expect(out).toContain("zero [s0+1], 7");
    expect(out).toContain("zero [s0+18], 6");
    expect(out).toContain("store.u16 [s0+16], 26984:u16");
    expect(out).toContain("store.u64 [s0+8], 2:u64");
  });
});

describe("struct literals", () => {
  it("read shorthand members from the locals they name", () => {
    const out = ir("const a: u8 = u8(ctx.args[0]); const b = ctx.args[1]; const ev: Ev = { a, b, name: \"\" }; return i32(ev.a);", {
      raw: true,
      preamble: "interface Ev { a: u8; b: u64; name: CharArray<5> }",
    });
    expect(out).toMatch(/store\.u8 \[s0\+0\], %\d+\.a/);
    expect(out).toMatch(/store\.u64 \[s0\+8\], %\d+\.b/);
  });
});

describe("maps", () => {
  it("spills the key, calls bpf_map_lookup_elem and branches on the pointer", () => {
    const out = ir("const p = this.counts.lookup(7); if (p) { p.value += 1n; } return 0;");
    expect(out).toMatch(/store\.u32 \[s0\+0\], 7:u32/);
    expect(out).toMatch(/call 1\(map\(counts\), &s0\)/);
    expect(out).toMatch(/if ne\.ptr %\d+\.p, 0:ptr/);
    expect(out).toMatch(/add\.u64 %\d+, 1:u64/);
  });

  it("passes update's value by pointer and its flags", () => {
    const out = ir("this.counts.update(1, 5n, 2n); this.counts.delete(1); return 0;");
    expect(out).toMatch(/call 2\(map\(counts\), &s0, &s1, 2:u64\)/);
    expect(out).toMatch(/call 3\(map\(counts\), &s0\)/);
  });

  it("does not check a pointer asserted non-null", () => {
    const out = ir("const p = this.counts.lookup(7)!; p.value = 3n; return 0;");
    expect(out).not.toMatch(/if ne\.ptr/);
  });
});

describe("optimisation", () => {
  it("folds constants and drops the branches they decide", () => {
    const out = ir("const a: u32 = 2 + 3; const b = a * 4; if (b > 100) { return 1; } return i32(b);", { raw: false });
    expect(out).toContain("ret 20:i32");
    expect(out).not.toContain("ret 1:i32");
    expect(out.split("\n").filter((l) => l.startsWith("b"))).toHaveLength(1);
  });
});

describe("untyped locals from places", () => {
  it("take module constants, enum members and array lengths (which are no places)", () => {
    const out = ir("const k = LIMIT; const c = Color.Red; const a: FixedArray<u32, 4> = zero(); const n = a.length; return i32(k) + c + i32(n);",
      { raw: false, preamble: "const LIMIT = 5;\nenum Color { Red = 1 }" });
    expect(out).toMatch(/ret 10:i32/);
  });

  it("read a kernel pointer chain once (its bpf_probe_read_kernel calls are not repeated)", () => {
    const preamble = "/** @kernel */\ninterface task_struct { pid: i32; real_parent: Ptr<task_struct> }\ndeclare module \"tsbpf\" { interface KernelTypes { task_struct: task_struct } }";
    const out = ir("let task = bpf.getCurrentTask(); const grandparent = task.real_parent.real_parent; return grandparent.pid;", { raw: false, preamble });
    expect(out.match(/call 113\(/g)).toHaveLength(3);
  });
});
