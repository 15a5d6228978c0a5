// Regression for the loadObject defect of issue 14: an INT of 0x80000004 bytes (which the
// kernel's BTF checks accept: only its bits must fit) reached the value codecs and threw an
// untyped `RangeError: Maximum BigInt size exceeded`. Now it is an ObjectError naming the type.
import { readElf } from "@tsbpf/object";
import { expect, it } from "vitest";
import { loadCorpus } from "../../../object/src/fuzz/corpus.js";
import { codecFor } from "../btf-values/index.js";
import { BpfError, ObjectError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { describeKernel } from "../testing/kernel.js";

const hugeInt = { kind: "int" as const, name: "u32", size: 0x80000004, signed: false, char: false, bool: false, offset: 0, bits: 0 };

it("a codec for an INT of 0x80000004 bytes is an ObjectError", () => {
  expect(() => codecFor({ types: [hugeInt] }, 1)).toThrow(ObjectError);
  expect(() => codecFor({ types: [hugeInt] }, 1)).toThrow(/integers of 1 to 16 bytes can be marshalled/);
});

describeKernel("loadObject with an INT of 0x80000004 bytes", () => {
  it("fails with a typed error", async () => {
    const spec = readElf(loadCorpus().get("tsbpf-hello.o")!);
    // The @config field's u32 becomes 0x80000004 bytes wide (its bits stay 32: the kernel accepts the INT).
    const index = spec.btf.types.findIndex((t) => t.kind === "int" && t.name === "unsigned int");
    expect(index).toBeGreaterThanOrEqual(0);
    spec.btf.types[index] = { ...(spec.btf.types[index] as typeof hugeInt), size: 0x80000004 };
    const error = await loadObject(spec, { config: { targetPid: 7 } }).then((o) => (o.close(), undefined), (e: unknown) => e);
    expect(error).toBeInstanceOf(BpfError);
  });
});
