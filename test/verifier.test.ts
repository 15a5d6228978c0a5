// A program the verifier must reject (a map value used without its null check, written with a
// non-null assertion) gives a VerifierError that names the .ts line.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load, VerifierError } from "tsbpf";
import { NullDeref } from "./fixtures/null-deref.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { fixture } from "./support/paths.js";

describeKernel("verifier rejections", () => {
  it("throws a VerifierError pointing at the TypeScript line that dereferences the lookup", async () => {
    const source = readFileSync(fixture("null-deref.bpf.ts"), "utf8").split("\n");
    const line = source.findIndex((text) => text.includes("count.value += 1n")) + 1;
    const error = await load(NullDeref).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VerifierError);
    const verifierError = error as VerifierError;
    expect(verifierError.message).toContain(`null-deref.bpf.ts:${line}`);
    expect(verifierError.message).toContain("count.value += 1n");
    expect(verifierError.message).toMatch(/map_value_or_null/);
    expect(verifierError.log).toMatch(/invalid mem access/);
  });
});
