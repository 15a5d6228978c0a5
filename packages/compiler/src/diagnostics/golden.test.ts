// The golden suite of diagnostics: every construct outside the subset, each a short snippet in
// golden/<case>.ts, compiled inside a probe template; the rendered diagnostics (code, position, code
// frame, hint) must equal golden/<case>.expected. UPDATE_GOLDEN=1 rewrites the expected files.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileText, IMPORTS } from "../testing/probes.js";
import { formatDiagnostic } from "./format.js";

const dir = fileURLToPath(new URL("./golden/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

/**
 * The snippet's sections (`// @preamble`, `// @members`, `// @body`, the default) in the template.
 * `// @repeat N <line>` stands for N copies of the line, `$i` in it counting from 0 (a method
 * too long to write out: past tsc's control-flow limit).
 */
export function goldenSource(snippet: string): string {
  const sections: Record<string, string[]> = { preamble: [], members: [], body: [] };
  let current = "body";
  for (const line of snippet.replace(/\n$/, "").split("\n")) {
    const marker = /^\/\/ @(preamble|members|body)$/.exec(line);
    const repeat = /^\/\/ @repeat (\d+) (.*)$/.exec(line);
    const lines = repeat ? Array.from({ length: Number(repeat[1]) }, (_, i) => repeat[2]!.replaceAll("$i", String(i))) : [line];
    if (marker) current = marker[1]!;
    else sections[current]!.push(...lines.map((l) => (current === "body" ? `    ${l}` : l)));
  }
  return [
    IMPORTS,
    "interface Event { pid: u32; comm: CharArray<16> }",
    ...sections.preamble!,
    "export class Bad extends Probe {",
    "  @config limit: u32 = 10;",
    "  counts = new HashMap<u32, u64>({ maxEntries: 8 });",
    "  events = new RingBuf<Event>({ size: 4096 });",
    ...sections.members!,
    '  @tracepoint("syscalls", "sys_enter_write")',
    "  run(ctx: SysEnterContext): i32 {",
    "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);",
    ...sections.body!,
    "    return 0;",
    "  }",
    "}",
    "",
  ].join("\n");
}

const names = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)).sort();

describe("golden diagnostics", () => {
  it("has at least 80 cases", () => {
    expect(names.length).toBeGreaterThanOrEqual(80);
  });

  for (const name of names) {
    it(name, () => {
      const text = goldenSource(readFileSync(join(dir, `${name}.ts`), "utf8"));
      const result = compileText(text, `golden-${name}.bpf.ts`);
      const rendered = result.diagnostics
        .map((d) => formatDiagnostic({ ...d, file: `${name}.bpf.ts` }, text))
        .join("\n\n") + "\n";
      // Every case is outside the subset: tsbpf itself reports it (tsc may add its own), nothing compiles.
      expect(result.diagnostics.some((d) => d.source !== "tsc")).toBe(true);
      if (result.diagnostics.some((d) => d.category === "error")) expect(result.probes).toEqual([]);
      const expectedFile = join(dir, `${name}.expected`);
      if (update) writeFileSync(expectedFile, rendered);
      expect(rendered).toBe(readFileSync(expectedFile, "utf8"));
    });
  }
});
