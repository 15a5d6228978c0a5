// tsc checks probes and user space end to end: the examples type-check, and misuse of an event's
// types is a type error.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/paths.js";

const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

describe("types across the kernel/user boundary", () => {
  it("the examples and test fixtures type-check with plain tsc", () => {
    for (const project of ["examples", "test"]) {
      const result = spawnSync(process.execPath, [tsc, "-p", join(repoRoot, project, "tsconfig.json")], { encoding: "utf8" });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    }
  }, 60_000);

  it("rejects treating an event's number as a string and narrowing without a cast", () => {
    const dir = mkdtempSync(join(repoRoot, "test", ".tmp-types-"));
    try {
      writeFileSync(join(dir, "misuse.ts"), `
import { load, u32, type u64 } from "tsbpf";
import { OpenSnoop } from "../../examples/opensnoop.bpf.ts";
const snoop = await load(OpenSnoop);
for await (const event of snoop.events) {
  const wrong: string = event.pid;
}
const wide: u64 = 5n;
const narrow: u32 = wide;
`);
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: ["misuse.ts"] }));
      const result = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
      expect(result.status).not.toBe(0);
      expect(result.stdout).toMatch(/misuse\.ts\(6,9\): error TS2322: Type 'number' is not assignable to type 'string'/);
      expect(result.stdout).toMatch(/misuse\.ts\(9,7\): error TS2322/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
