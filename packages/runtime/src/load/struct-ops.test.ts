// A malformed struct_ops section is an ObjectError that names it, found while reading the ELF,
// before anything touches the kernel (no root needed).
import { writeElf } from "@tsbpf/object";
import { expect, it } from "vitest";
import { ObjectError } from "../errors.js";
import { counterObject } from "../testing/programs.js";
import { withStructOps } from "../testing/struct-ops.js";
import { loadObject } from "./load-object.js";

it("names .struct_ops when a relocation points a data member at a program", async () => {
  const spec = withStructOps(counterObject("struct_ops/ssthresh", { name: "ssthresh" }), {
    name: "cc", type: "tcp_congestion_ops", functions: { ssthresh: "ssthresh" }, strings: { name: { value: "x", length: 16 } },
  });
  // The writer takes the spec's word for which members are functions; the reader checks the BTF.
  spec.structOps![0]!.functions.push({ offset: 8, program: "ssthresh" });
  const error = await loadObject(writeElf(spec)).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ObjectError);
  expect((error as ObjectError).section).toBe(".struct_ops");
  expect((error as Error).message).toMatch(/not a function-pointer member/);
});
