/**
 * @tsbpf/unplugin: compiles tsbpf probe modules at build time and embeds their BPF objects, so
 * that a bundled app loads its probes without the compiler or TypeScript. One plugin for each
 * bundler: `tsbpf.vite()`, `.rollup()`, `.rolldown()`, `.esbuild()`, `.webpack()`, `.rspack()`
 * (or import the bundler's own entry, e.g. `@tsbpf/unplugin/vite`).
 */
export { unplugin as default, unplugin } from "./plugin.js";
export type { Options } from "./options.js";
