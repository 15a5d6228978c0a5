// tsbpf init: writes a project into an empty folder, and in an existing one keeps every file the
// user has (merging package.json) and says what it kept. (The generated project is built, run,
// tested and type-checked against the packed packages in test/install.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "./args.js";
import { init } from "./init.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-init-"));
  folders.push(dir);
  return dir;
}

function runInit(dir: string): string {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (chunk) => (text += chunk));
  expect(init([dir], { stdout, stderr: new PassThrough() })).toBe(0);
  return text;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

describe("tsbpf init", () => {
  it("writes a whole project into an empty folder", () => {
    const dir = folder();
    const out = runInit(dir);
    for (const file of ["package.json", "tsconfig.json", "probes/write-counter.bpf.ts", "src/main.ts", "test/write-counter.test.ts", "vitest.config.ts", ".gitignore"]) {
      expect(out).toContain(`${file}: written`);
    }
    const manifest = JSON.parse(read(dir, "package.json"));
    expect(manifest.type).toBe("module");
    expect(manifest.scripts).toMatchObject({ build: "tsbpf build probes/write-counter.bpf.ts", start: "tsx src/main.ts", test: "vitest run", typecheck: "tsc --noEmit" });
    expect(manifest.dependencies.tsbpf).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(["@swc/core", "@types/node", "tsx", "typescript", "unplugin-swc", "vitest"]);
    const tsconfig = JSON.parse(read(dir, "tsconfig.json")).compilerOptions;
    expect(tsconfig.lib).toEqual(expect.arrayContaining(["ESNext.Decorators", "ESNext.Disposable"]));
    expect(tsconfig.allowImportingTsExtensions).toBe(true);
    expect(tsconfig.experimentalDecorators).toBeUndefined();
    expect(read(dir, "src/main.ts")).toContain(`from "../probes/write-counter.bpf.ts"`);
  });

  it("in an existing project keeps the user's files and scripts, merges package.json, and says so", () => {
    const dir = folder();
    const mine = { name: "mine", version: "2.0.0", scripts: { build: "my-build", lint: "eslint ." }, dependencies: { zod: "^4.0.0" }, devDependencies: { typescript: "^7.0.0" } };
    writeFileSync(join(dir, "package.json"), JSON.stringify(mine));
    writeFileSync(join(dir, "tsconfig.json"), "{ /* mine */ }");
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "main.ts"), "// mine\n");
    const out = runInit(dir);
    expect(out).toContain(`package.json: set "type": "module"`);
    expect(out).toContain(`package.json: kept your script "build" (tsbpf's would be: tsbpf build probes/write-counter.bpf.ts)`);
    expect(out).toMatch(/tsconfig\.json: exists, left as it is; the DSL needs .*ESNext\.Decorators/);
    expect(out).toContain("src/main.ts: exists, left as it is");
    expect(out).toContain("probes/write-counter.bpf.ts: written");
    expect(read(dir, "tsconfig.json")).toBe("{ /* mine */ }");
    expect(read(dir, "src/main.ts")).toBe("// mine\n");
    const manifest = JSON.parse(read(dir, "package.json"));
    expect(manifest).toMatchObject({ name: "mine", version: "2.0.0", dependencies: { zod: "^4.0.0" } });
    expect(manifest.scripts).toMatchObject({ build: "my-build", lint: "eslint .", start: "tsx src/main.ts" });
    expect(manifest.devDependencies.typescript).toBe("^7.0.0");
    // A second run changes nothing and writes nothing.
    const before = read(dir, "package.json");
    expect(runInit(dir)).not.toContain(": written");
    expect(read(dir, "package.json")).toBe(before);
  });

  it("refuses a package.json that is not JSON, naming it, and writes nothing", () => {
    const dir = folder();
    writeFileSync(join(dir, "package.json"), "{ name: ");
    expect(() => runInit(dir)).toThrow(UsageError);
    expect(() => runInit(dir)).toThrow(/package\.json is not valid JSON/);
    expect(read(dir, "package.json")).toBe("{ name: ");
  });
});
