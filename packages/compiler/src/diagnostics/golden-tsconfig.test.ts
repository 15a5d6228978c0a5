// Diagnostics that come from the probe's project settings (its nearest tsconfig.json), not from
// its code: each fixture folder of __fixtures__ holds a tsconfig.json and a probe; the rendered
// diagnostics must equal golden-tsconfig/<folder>.expected (UPDATE_GOLDEN=1 rewrites them).
// Beside them, a probe file that also holds user-space code compiles under its project's settings.
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compile.js";
import { fixtureDir } from "../testing/probes.js";
import { formatDiagnostic } from "./format.js";

const expectedDir = fileURLToPath(new URL("./golden-tsconfig/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

function rendered(file: string): { text: string; probes: number } {
  const result = compileFile(file, { sourceRoot: fixtureDir });
  const text = result.diagnostics
    .map((d) => formatDiagnostic({ ...d, file: relative(fixtureDir, d.file) }, readFileSync(d.file, "utf8")))
    .join("\n\n") + "\n";
  return { text, probes: result.probes.length };
}

describe("diagnostics from the project's tsconfig", () => {
  it("experimentalDecorators: one TSBPF diagnostic at the setting, naming the fix; nothing compiles", () => {
    const { text, probes } = rendered(join(fixtureDir, "legacy-decorators/counter.bpf.ts"));
    const expectedFile = join(expectedDir, "experimental-decorators.expected");
    if (update) writeFileSync(expectedFile, text);
    expect(text).toBe(readFileSync(expectedFile, "utf8"));
    expect(text).toContain("TSBPF3015");
    expect(probes).toBe(0);
  });

  it("a probe file holding user-space code (console, process, load) compiles under its tsconfig", () => {
    const result = compileFile(join(fixtureDir, "user-space/mixed.bpf.ts"), { sourceRoot: fixtureDir });
    expect(result.diagnostics.map((d) => formatDiagnostic(d))).toEqual([]);
    expect(result.probes.map((p) => p.className)).toEqual(["Mixed"]);
    // The project's settings are inputs of the compilation (a cache keys on them).
    expect(result.inputs).toContain(join(fixtureDir, "user-space/tsconfig.json"));
    expect(result.inputs).toContain(join(fixtureDir, "user-space/mixed.bpf.ts"));
  });

  it("the same file without its project's Node types gets tsc's errors for console and process", () => {
    // The same text in a folder whose tsconfig says "types": [].
    const result = compileFile(join(fixtureDir, "no-node-types/mixed.bpf.ts"));
    expect(result.diagnostics.map((d) => `TS${d.code}`)).toEqual(expect.arrayContaining(["TS2584", "TS2591"]));
  });
});
