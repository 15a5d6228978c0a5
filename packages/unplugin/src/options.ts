/**
 * The plugin's options and their defaults.
 */
import type { FilterPattern } from "unplugin";

export interface Options {
  /**
   * Which modules are probe modules, compiled at build time (default: files named `*.bpf.ts`,
   * `.bpf.mts`, `.bpf.cts`). A probe class in any other module is not compiled: loading it from
   * the bundle fails with a message that names this option.
   */
  include?: FilterPattern;
  /**
   * Modules never treated as probe modules (default: none; a package may ship probe sources, and
   * `include` already names only probe files).
   */
  exclude?: FilterPattern;
  /**
   * Keep `@tsbpf/runtime` (which holds the native Node-API shim) out of the bundle, imported from
   * node_modules at run time, as bundles do with every package that carries a `.node` addon
   * (default: true). Set false only if your own configuration already decides it.
   */
  externalRuntime?: boolean;
  /** line_info file names in the embedded objects are relative to this directory (default: the working directory). */
  sourceRoot?: string;
}

export interface ResolvedOptions {
  include: FilterPattern;
  exclude: FilterPattern;
  externalRuntime: boolean;
  sourceRoot: string | undefined;
}

export const defaultInclude = /\.bpf\.[cm]?ts(?:$|\?)/;

export function resolveOptions(options: Options = {}): ResolvedOptions {
  return {
    include: options.include ?? defaultInclude,
    exclude: options.exclude ?? [],
    externalRuntime: options.externalRuntime ?? true,
    sourceRoot: options.sourceRoot,
  };
}
