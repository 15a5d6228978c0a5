/**
 * Demangling of C++ (Itanium ABI, `_Z…`) and Rust (legacy `_ZN…17h<hash>E` and v0 `_R…`) symbol
 * names, through gecko-profiler-demangle: the Firefox profiler's demangler, Rust's cpp_demangle and
 * rustc-demangle crates compiled to WebAssembly. The package is built for bundlers (it imports its
 * .wasm as a module, which Node 20 does not do), so its glue is given the instance made here. The
 * module is compiled on the first mangled name only: C programs and the kernel never pay for it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type Exports = Record<string, unknown>;

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Exports };
}

interface Glue {
  __wbg_set_wasm(exports: Exports): void;
  demangle_any(name: string): string;
}

let glue: Glue | null | undefined;

/** Whether a name looks mangled (so that plain C names never load the demangler). */
export function isMangled(name: string): boolean {
  return /^(_Z|_R|__Z)/.test(name);
}

function demangler(): Glue | null {
  if (glue !== undefined) return glue;
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve("gecko-profiler-demangle/package.json"));
    // index_bg.js is ESM without top-level await: require() loads it synchronously (Node 20.19+,
    // 22.12+), which keeps symbolization synchronous. Where it cannot, names stay mangled.
    const loaded = require(join(dir, "index_bg.js")) as Glue;
    const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
    const wasm = new Instance(new Module(readFileSync(join(dir, "index_bg.wasm"))), { "./index_bg.js": loaded });
    loaded.__wbg_set_wasm(wasm.exports);
    (wasm.exports.__wbindgen_start as () => void)();
    glue = loaded;
  } catch {
    glue = null;
  }
  return glue;
}

/** The demangled name, or the name itself when it is not mangled (or the demangler is missing). */
export function demangle(name: string): string {
  if (!isMangled(name)) return name;
  const d = demangler();
  if (!d) return name;
  try {
    const out = d.demangle_any(name);
    // A name no demangler takes comes back with its leading "_" dropped (the Mach-O convention
    // demangle_any tries last): that is not a demangled name.
    return out === name.slice(1) ? name : out;
  } catch {
    return name;
  }
}
