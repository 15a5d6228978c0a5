/**
 * Each bundler @tsbpf/unplugin serves, driven through its own JavaScript API the way a project's
 * config file would drive it: `build(dir, entry)` bundles `dir/entry` for Node into `dir/out`
 * and returns the bundle's path; a failed build rejects with the bundler's own error.
 *
 * Every bundler bundles tsbpf itself (so the compiler stub is exercised), except rollup, which
 * without @rollup/plugin-node-resolve leaves packages external, as Node-side rollup configs do.
 */
import { join } from "node:path";
import tsbpf from "@tsbpf/unplugin";

export interface Bundler {
  name: string;
  build(dir: string, entry: string): Promise<string>;
}

const out = (dir: string) => join(dir, "out");

export const bundlers: Bundler[] = [
  {
    name: "vite",
    async build(dir, entry) {
      const { build } = await import("vite");
      await build({
        configFile: false,
        root: dir,
        logLevel: "silent",
        plugins: [tsbpf.vite()],
        ssr: { noExternal: true },
        build: { ssr: join(dir, entry), outDir: out(dir), emptyOutDir: true, minify: false, rollupOptions: { output: { entryFileNames: "app.mjs" } } },
      });
      return join(out(dir), "app.mjs");
    },
  },
  {
    name: "rollup",
    async build(dir, entry) {
      const { rollup } = await import("rollup");
      const bundle = await rollup({ input: join(dir, entry), external: [/^tsbpf(\/|$)/, /^node:/], plugins: [tsbpf.rollup()], onwarn: () => {} });
      try {
        await bundle.write({ file: join(out(dir), "app.mjs"), format: "es" });
      } finally {
        await bundle.close();
      }
      return join(out(dir), "app.mjs");
    },
  },
  {
    name: "rolldown",
    async build(dir, entry) {
      const { build } = await import("rolldown");
      await build({ input: join(dir, entry), platform: "node", logLevel: "silent", plugins: [tsbpf.rolldown()], output: { dir: out(dir), entryFileNames: "app.mjs", format: "esm" } });
      return join(out(dir), "app.mjs");
    },
  },
  {
    name: "esbuild",
    async build(dir, entry) {
      const { build } = await import("esbuild");
      await build({ entryPoints: [join(dir, entry)], bundle: true, platform: "node", format: "esm", outfile: join(out(dir), "app.mjs"), plugins: [tsbpf.esbuild()], logLevel: "silent" });
      return join(out(dir), "app.mjs");
    },
  },
  {
    name: "webpack",
    async build(dir, entry) {
      const { default: webpack } = await import("webpack");
      const stats = await new Promise<import("webpack").Stats>((resolve, reject) =>
        webpack(
          { mode: "production", target: "node20", context: dir, entry: `./${entry}`, output: { path: out(dir), filename: "app.cjs" }, optimization: { minimize: false }, plugins: [tsbpf.webpack()] },
          (error, stats) => (error || !stats ? reject(error ?? new Error("webpack: no stats")) : resolve(stats)),
        ),
      );
      if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true, colors: false }));
      return join(out(dir), "app.cjs");
    },
  },
  {
    name: "rspack",
    async build(dir, entry) {
      const { rspack } = await import("@rspack/core");
      const stats = await new Promise<import("@rspack/core").Stats>((resolve, reject) =>
        rspack(
          { mode: "production", target: "node20", context: dir, entry: `./${entry}`, output: { path: out(dir), filename: "app.cjs" }, optimization: { minimize: false }, plugins: [tsbpf.rspack()] },
          (error, stats) => (error || !stats ? reject(error ?? new Error("rspack: no stats")) : resolve(stats)),
        ),
      );
      if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true, colors: false }));
      return join(out(dir), "app.cjs");
    },
  },
];
