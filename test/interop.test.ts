// Every object the examples produce loads with libbpf (bpftool prog loadall).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeKernel, toolPath } from "./support/kernel.js";
import { cliPath, repoRoot } from "./support/paths.js";

const examples = readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".bpf.ts"));

describeKernel("libbpf interop", () => {
  for (const example of examples) {
    it(`bpftool prog loadall accepts examples/${example}`, () => {
      const bpftool = toolPath("bpftool");
      const dir = mkdtempSync(join(tmpdir(), "tsbpf-interop-"));
      const pins = `/sys/fs/bpf/tsbpf-test-${process.pid}-${example.replace(/\W/g, "_")}`;
      try {
        const object = join(dir, "out.o");
        execFileSync(process.execPath, [cliPath, "build", join(repoRoot, "examples", example), "-o", object]);
        const result = spawnSync(bpftool, ["prog", "loadall", object, pins], { encoding: "utf8" });
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        expect(readdirSync(pins).length).toBeGreaterThan(0);
      } finally {
        rmSync(pins, { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
