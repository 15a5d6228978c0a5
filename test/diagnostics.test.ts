// Unsupported TypeScript gives TSBPF diagnostics with their locations, and the compiler exits
// non-zero without writing an object.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, fixture } from "./support/paths.js";

describe("tsbpf build on unsupported TypeScript", () => {
  it("reports a closure, a float and a call to a JS function, each at its line and column", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-diag-"));
    try {
      const output = join(dir, "out.o");
      const result = spawnSync(process.execPath, [cliPath, "build", fixture("unsupported.bpf.ts"), "-o", output], { encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(existsSync(output)).toBe(false);
      const source = readFileSync(fixture("unsupported.bpf.ts"), "utf8").split("\n");
      const at = (needle: string) => {
        const line = source.findIndex((text) => text.includes(needle));
        return `unsupported.bpf.ts:${line + 1}:${source[line]!.indexOf(needle) + 1}`;
      };
      const errors = result.stderr.split("\n").filter((l) => / - error TSBPF\d{4}: /.test(l));
      expect(errors).toHaveLength(3);
      expect(errors.find((l) => l.includes(at("() => pid + pid")))).toBeDefined();
      expect(errors.find((l) => l.includes(at("1.5")))).toBeDefined();
      expect(errors.find((l) => l.includes(at("helperInJs(pid)")))).toBeDefined();
      // Each comes with a code frame that underlines the construct.
      expect(result.stderr).toContain("const ratio = 1.5;");
      expect(result.stderr).toMatch(/\^~*/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("checks a tp_btf program's parameters against the shipped tsbpf/vmlinux, and names the annotation to write", () => {
    const result = spawnSync(process.execPath, [cliPath, "build", fixture("hook-args.bpf.ts")], { encoding: "utf8", cwd: tmpdir() });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("error TSBPF3002: 'u32' is not the type of argument 2 of the tracepoint sched_switch: tsbpf/vmlinux declares it 'Ptr<task_struct>'");
    expect(result.stderr).toContain("error TSBPF3002: the parameter 'next' needs the type of argument 3 of the tracepoint sched_switch");
    expect(result.stderr).toContain("hint: declare it as 'next: Ptr<task_struct>'");
  });
});
