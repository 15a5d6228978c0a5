// `npm run docs`: TypeDoc builds the API reference (typedoc.json) without a warning (it treats
// warnings as errors), and the reference holds, with their doc comments, the DSL (decorators, map
// classes, helpers, integer kinds), load() and the handles, the runtime and its errors, the
// compiler's check entry point and the editor service.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/paths.js";

interface Reflection { name: string; children?: Reflection[]; comment?: { summary: unknown[] }; signatures?: { comment?: { summary: unknown[] } }[] }

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(repoRoot, "test", ".tmp-docs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run docs", () => {
  it("builds the reference without warnings, with every public surface documented in it", () => {
    const json = join(dir, "api.json");
    // The script's own command, with the outputs moved to the temporary folder.
    const script = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.docs;
    expect(script).toBe("typedoc");
    const typedoc = join(repoRoot, "node_modules", "typedoc", "bin", "typedoc");
    const r = spawnSync(process.execPath, [typedoc, "--out", join(dir, "html"), "--json", json], { cwd: repoRoot, encoding: "utf8", timeout: 240_000 });
    const output = r.stdout + r.stderr;
    expect(output).not.toMatch(/\[(warning|error)\]/);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "html", "index.html"))).toBe(true);

    const root = JSON.parse(readFileSync(json, "utf8")) as Reflection;
    const modules = new Map(root.children!.map((m) => [m.name, new Map((m.children ?? []).map((c) => [c.name, c]))]));
    expect([...modules.keys()].sort()).toEqual(["@tsbpf/compiler", "@tsbpf/object", "@tsbpf/runtime", "@tsbpf/ts-plugin/service", "tsbpf"]);
    const entry = (module: string, name: string) => {
      const r = modules.get(module)!.get(name);
      expect(r, `${module} ${name}`).toBeDefined();
      return r!;
    };
    const documented = (module: string, name: string) => {
      const r = entry(module, name);
      const summary = r.comment?.summary ?? r.signatures?.[0]?.comment?.summary ?? [];
      expect(summary.length, `${module} ${name} has a doc comment`).toBeGreaterThan(0);
    };
    for (const name of ["fentry", "tracepoint", "xdp", "config", "HashMap", "RingBuf", "PerCpuArray", "bpf", "u32", "load", "Probe", "VerifierError", "NotSupportedError", "PermissionError"]) documented("tsbpf", name);
    // The runtime's: in its module, documented where TypeDoc put the declaration (tsbpf re-exports
    // many, and one of the two entries is then a reference to the other).
    const summaryOf = (r: Reflection) => r.comment?.summary ?? r.signatures?.[0]?.comment?.summary ?? [];
    for (const name of ["loadObject", "BpfObject", "BpfProgram", "HashMapHandle", "ArrayMapHandle", "RingBufReader", "PerfBufReader", "Link", "VerifierError", "PermissionError"]) {
      const inRuntime = entry("@tsbpf/runtime", name);
      const inTsbpf = modules.get("tsbpf")!.get(name);
      expect(summaryOf(inRuntime).length + (inTsbpf ? summaryOf(inTsbpf).length : 0), `${name} has a doc comment`).toBeGreaterThan(0);
    }
    documented("@tsbpf/compiler", "checkSource");
    documented("@tsbpf/ts-plugin/service", "ProbeService");
  }, 240_000);
});
