// `tsbpf check`: the compiler's diagnostics for probe files without objects. Its --json report is
// compared with the compiler's own diagnostics of each file (checkFile, in this process), its text
// output with tsc-style formatting, and its exit status with the presence of errors; folders are
// searched for *.bpf.ts (not node_modules), and nothing is written beside the probes.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkFile, formatDiagnostic } from "@tsbpf/compiler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edited, scenarios } from "../packages/ts-plugin/src/testing/scenarios.ts";
import { cliPath, example, repoRoot } from "./support/paths.js";

let dir: string;
let good: string;
let bad: string;
let nested: string;

function tsbpf(args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, "check", ...args], { encoding: "utf8", cwd: repoRoot, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(repoRoot, "test", ".tmp-check-"));
  good = join(dir, "hello.bpf.ts");
  copyFileSync(example("hello.bpf.ts"), good);
  // Three errors at once: a closure, a float (tsbpf's) and a narrowing (tsc's).
  let text = edited(scenarios.find((s) => s.code === 1001)!);
  text = edited(scenarios.find((s) => s.code === 2001)!, text);
  text = edited(scenarios.find((s) => s.code === 2322)!, text);
  bad = join(dir, "unlink.bpf.ts");
  writeFileSync(bad, text);
  mkdirSync(join(dir, "more"));
  nested = join(dir, "more", "hello-again.bpf.ts");
  copyFileSync(example("hello.bpf.ts"), nested);
  mkdirSync(join(dir, "node_modules", "dep"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "dep", "ignored.bpf.ts"), "this is not TypeScript");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tsbpf check", () => {
  it("--json: the compiler's diagnostics of each probe below a folder, exit status 1 on errors, no objects written", () => {
    const r = tsbpf(["--json", dir]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { files: string[]; diagnostics: Record<string, unknown>[]; errorCount: number; warningCount: number };
    const rel = (f: string) => relative(repoRoot, f);
    expect(report.files).toEqual([rel(good), rel(nested), rel(bad)]);

    const expected = [good, nested, bad].flatMap((file) => checkFile(file).diagnostics).map((d) => ({
      file: rel(d.file), line: d.line, column: d.column, endLine: d.line, endColumn: d.column + d.length,
      severity: d.category, code: `${d.source === "tsc" ? "TS" : "TSBPF"}${d.code}`, source: d.source ?? "tsbpf", message: d.message,
      ...(d.hint === undefined ? {} : { hint: d.hint }),
    }));
    expect(report.diagnostics).toEqual(expected);
    expect(report.diagnostics.map((d) => d.code)).toEqual(["TSBPF1001", "TSBPF2001", "TS2322"]);
    expect(report.errorCount).toBe(3);
    expect(report.warningCount).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".o"))).toEqual([]);
  }, 120_000);

  it("text: each diagnostic formatted as tsc formats them, then a summary; exit status 0 without errors", () => {
    const failing = tsbpf([bad]);
    expect(failing.status).toBe(1);
    const source = readFileSync(bad, "utf8");
    expect(failing.stdout).toBe(checkFile(bad).diagnostics.map((d) => formatDiagnostic(d, source) + "\n\n").join("") + "1 probe file checked: 3 errors, 0 warnings\n");

    const passing = tsbpf([good]);
    expect(passing.stdout).toBe("1 probe file checked: 0 errors, 0 warnings\n");
    expect(passing.status).toBe(0);
  }, 120_000);

  it("a missing file is a usage error (exit status 2)", () => {
    const r = tsbpf([join(dir, "missing.bpf.ts")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no such file or folder");
    expect(r.stdout).toBe("");
  });
});
