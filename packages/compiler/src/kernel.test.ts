// The objects the compiler writes load with libbpf (bpftool prog loadall): BTF accepted, maps
// created, every program verified; and a program the verifier must reject is rejected, at the
// TypeScript line that line_info names.
import { expect, it } from "vitest";
import { compileFile } from "./compile.js";
import { bpftoolLoadAll, describeKernel } from "./testing/kernel.js";
import { fixtureDir, fixturePath } from "./testing/probes.js";

function compiled(file: string): Uint8Array {
  const result = compileFile(fixturePath(file), { sourceRoot: fixtureDir });
  expect(result.diagnostics).toEqual([]);
  return result.probes[0]!.elf;
}

describeKernel(
  "bpftool prog loadall",
  () => {
    for (const [file, program] of [
      ["hello.bpf.ts", "onWrite"],
      ["opensnoop.bpf.ts", "onOpen"],
      ["write-stats.bpf.ts", "onWrite"],
    ] as const) {
      it(`loads ${file}, its BTF included`, () => {
        const result = bpftoolLoadAll(compiled(file));
        // libbpf reports a BTF the kernel refuses on stderr and goes on without it: stderr must be empty.
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        expect(result.programs).toEqual([program]);
      });
    }

    it("has the verifier reject a lookup asserted non-null, at the dereferencing line", () => {
      const result = bpftoolLoadAll(compiled("null-deref.bpf.ts"));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/invalid mem access 'map_value_or_null'/);
      expect(result.stderr).toContain("; s.calls += 1n; @ null-deref.bpf.ts:14");
    });
  },
  { bpftool: true },
);
