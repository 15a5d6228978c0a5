import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { localImports } from "./local-imports.js";

const dir = mkdtempSync(join(tmpdir(), "tsbpf-local-imports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("finds the local files a probe imports, transitively, as TypeScript resolves them", () => {
  mkdirSync(join(dir, "lib"));
  const files: Record<string, string> = {
    "probe.bpf.ts": `import { Probe } from "tsbpf";\nimport type { A } from "./a.js";\nimport { B } from "./lib";\nexport * from "./c.ts";\nimport "node:fs";`,
    "a.ts": `export type { D } from "./d.ts";\nexport interface A { x: number }`,
    "lib/index.ts": `import type { A } from "../a.js";\nexport const B = 1;`,
    "c.ts": `import "./probe.bpf.ts";\nexport const C = 2;`,
    "d.ts": `export interface D { y: number }`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const found = localImports(join(dir, "probe.bpf.ts"), files["probe.bpf.ts"]!);
  expect(found.sort()).toEqual(["a.ts", "c.ts", "d.ts", "lib/index.ts"].map((f) => join(dir, f)).sort());
});
