// @tsbpf/unplugin with each bundler it serves: the bundler builds a small app (test/fixtures/
// bundler-app) that imports a probe module; the bundle holds the probe's object and neither the
// compiler nor TypeScript, runs under plain `node`, loads the probe and receives the exec event
// of a child this test starts (its pid checked against the child's). A probe that does not
// compile fails each build with its TypeScript location; rollup's watch mode and vite's dev
// server rebuild the object when a file the probe imports changes.
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { compileFile } from "@tsbpf/compiler";
import tsbpf from "@tsbpf/unplugin";
import { bundlers } from "./support/bundlers.js";
import { start, until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { fixture, repoRoot } from "./support/paths.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the fixture app outside the repository, with the repository's node_modules. */
function appDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tsbpf-bundle-${name}-`));
  dirs.push(dir);
  cpSync(fixture("bundler-app"), dir, { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** Every file the bundler wrote (a bundle may be split into chunks), as one text. */
function bundleText(dir: string): { text: string; bytes: number } {
  const files = readdirSync(join(dir, "out"), { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, "out", f))
    .filter((f) => statSync(f).isFile());
  const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
  return { text, bytes: Buffer.byteLength(text) };
}

/** The base64 objects the plugin embedded (`embedProbeObject(Class, "…")`, its name as the bundler renamed it), by class. */
function embedded(text: string): Map<string, string> {
  return new Map([...text.matchAll(/\b(\w+), "([A-Za-z0-9+/]{64,}={0,2})"\)/g)].map((m) => [m[1]!, m[2]!]));
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describeKernel("@tsbpf/unplugin", () => {
  for (const bundler of bundlers) {
    it(`${bundler.name}: the bundle embeds the probe, carries no compiler, runs under node and receives the events`, async () => {
      const dir = appDir(bundler.name);
      const bundle = await bundler.build(dir, "app.mjs");
      const { text, bytes } = bundleText(dir);
      // The object embedded is the one the compiler makes of the probe.
      const reference = compileFile(join(dir, "exec-probe.bpf.ts"), { sourceRoot: process.cwd() }).probes[0]!;
      expect(embedded(text).get("ExecProbe") === base64(reference.elf), "the embedded object is the compiler's").toBe(true);
      // No TypeScript, ts-morph or compiler: none of their modules' paths or code, and far from
      // their size (typescript.js alone is ~9 MB).
      for (const marker of ["node_modules/typescript", "node_modules/ts-morph", "@ts-morph/common", "versionMajorMinor", "createSourceFile", "function compileSource(", "function compileProbe("]) {
        expect(text, marker).not.toContain(marker);
      }
      expect(bytes).toBeLessThan(1_000_000);
      // The program bodies are gone from user space.
      expect(text).not.toContain("probeReadUserStr");

      const app = start(process.execPath, [bundle]);
      try {
        await until(() => app.stdout().includes('"kind":"attached"') || app.child.exitCode !== null, 20_000, `the ${bundler.name} bundle to attach`);
        const lines = () => app.stdout().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { kind: string; typescript?: string[]; pid?: number; filename?: string });
        const attached = lines().find((l) => l.kind === "attached");
        if (!attached) throw new Error(`the bundle exited before attaching:\n${(await app.finished).stderr}`);
        expect(attached.typescript).toEqual([]);

        const path = join(tmpdir(), `tsbpf-bundled-${randomUUID()}`);
        symlinkSync("/bin/true", path);
        try {
          const child = start(path, []);
          await child.finished;
          await until(() => lines().some((l) => l.filename === path), 5000, "the child's exec event");
          expect(lines().filter((l) => l.filename === path).map((l) => l.pid)).toEqual([child.child.pid]);
        } finally {
          rmSync(path, { force: true });
        }
      } finally {
        app.child.kill("SIGKILL");
        await app.finished;
      }
    });

    it(`${bundler.name}: a probe that does not compile fails the build with its TypeScript location`, async () => {
      const dir = appDir(`${bundler.name}-broken`);
      const error = await bundler.build(dir, "broken-app.mjs").then(
        () => undefined,
        (e: unknown) => e as Error & { loc?: { line: number; column: number }; errors?: Array<{ location: { line: number; column: number } | null }> },
      );
      expect(error, "the build succeeded").toBeDefined();
      expect(error!.message).toContain(`${join(dir, "broken.bpf.ts")}:8:18 - error TSBPF2001`);
      // Where the bundler keeps a structured location, it is the same (columns from 0, as bundlers count).
      const loc = error!.loc ?? error!.errors?.[0]?.location ?? undefined;
      if (bundler.name === "rollup" || bundler.name === "esbuild") expect(loc).toMatchObject({ line: 8, column: 17 });
    });
  }

  it("a probe module the plugin does not compile fails at load() with the fix, without loading the compiler", async () => {
    const { build } = await import("esbuild");
    const dir = appDir("excluded");
    const bundle = join(dir, "out", "app.mjs");
    // The probe is outside `include`: esbuild compiles it as plain TypeScript, nothing is embedded.
    await build({ entryPoints: [join(dir, "app.mjs")], bundle: true, platform: "node", target: "node20", format: "esm", outfile: bundle, plugins: [tsbpf.esbuild({ include: /\.probe\.ts$/ })], logLevel: "silent" });
    expect(readFileSync(bundle).length).toBeLessThan(1_000_000);
    const run = await start(process.execPath, [bundle]).finished;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("this bundle holds no compiled object for the probe class being loaded");
    expect(run.stderr).toContain("`include`");
  });

  it("vite's dev server transforms the probe module anew when a file the probe imports changes", async () => {
    const { createServer } = await import("vite");
    const dir = appDir("dev");
    const server = await createServer({ configFile: false, root: dir, logLevel: "silent", plugins: [tsbpf.vite()], server: { middlewareMode: true, hmr: false, ws: false }, appType: "custom" });
    try {
      const object = async () => embedded((await server.transformRequest("/exec-probe.bpf.ts", { ssr: true }))!.code).get("ExecProbe");
      const before = await object();
      expect(before === base64(compileFile(join(dir, "exec-probe.bpf.ts"), { sourceRoot: process.cwd() }).probes[0]!.elf), "the served object is the compiler's").toBe(true);
      const eventFile = join(dir, "event.ts");
      writeFileSync(eventFile, readFileSync(eventFile, "utf8").replace("CharArray<256>", "CharArray<128>"));
      // The watcher invalidates the probe module (its transform result is dropped) once it sees the change.
      await until(() => server.moduleGraph.getModuleById(join(dir, "exec-probe.bpf.ts"))?.ssrTransformResult == null, 10_000, "vite to invalidate the probe module");
      const after = await object();
      expect(after !== before, "the object changed").toBe(true);
      expect(after === base64(compileFile(join(dir, "exec-probe.bpf.ts"), { sourceRoot: process.cwd() }).probes[0]!.elf), "the new object is the compiler's").toBe(true);
    } finally {
      await server.close();
    }
  });

  it("rollup watch mode rebuilds the object when a file the probe imports changes", async () => {
    const { watch } = await import("rollup");
    const dir = appDir("watch");
    const bundle = join(dir, "out", "app.mjs");
    const watcher = watch({
      input: join(dir, "app.mjs"),
      external: [/^tsbpf(\/|$)/, /^node:/],
      plugins: [tsbpf.rollup()],
      output: { file: bundle, format: "es" },
      onwarn: () => {},
    });
    try {
      let builds = 0;
      let failure: unknown;
      watcher.on("event", (event) => {
        if (event.code === "BUNDLE_END") void event.result.close().then(() => builds++);
        if (event.code === "ERROR") failure = event.error;
      });
      await until(() => builds === 1 || failure !== undefined, 20_000, "the first build");
      const before = embedded(readFileSync(bundle, "utf8")).get("ExecProbe");
      // A narrower file name: a different struct layout and BTF.
      const eventFile = join(dir, "event.ts");
      writeFileSync(eventFile, readFileSync(eventFile, "utf8").replace("CharArray<256>", "CharArray<128>"));
      await until(() => builds === 2 || failure !== undefined, 20_000, "the rebuild after event.ts changed");
      expect(failure).toBeUndefined();
      const after = embedded(readFileSync(bundle, "utf8")).get("ExecProbe");
      const reference = compileFile(join(dir, "exec-probe.bpf.ts"), { sourceRoot: process.cwd() }).probes[0]!;
      expect(after !== before, "the object changed").toBe(true);
      expect(after === base64(reference.elf), "the rebuilt object is the compiler's").toBe(true);
    } finally {
      await watcher.close();
    }
  });
});
