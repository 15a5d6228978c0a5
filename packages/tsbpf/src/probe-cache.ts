/**
 * A content-addressed cache of compiled probe objects, so that starting an unchanged probe again
 * (`tsbpf run x.bpf.ts`, `load(Class)`) neither compiles nor imports TypeScript.
 *
 * Two levels, as ccache's direct mode: a manifest found by a key computed without the compiler
 * (the compiler's identity, the compile options, the probe's path and text) lists every file the
 * compilation read (local imports, declarations, the tsconfig chain: the compiler reports them,
 * so nothing has to guess them by scanning) with the hash of its contents, and the objects it
 * produced by their own hashes. A hit needs every listed file to hash the same again.
 *
 * Location: $TSBPF_CACHE_DIR, else `node_modules/.cache/tsbpf` of the nearest folder above the
 * probe that has node_modules (as babel-loader, eslint and others do), else
 * `$XDG_CACHE_HOME/tsbpf` (~/.cache/tsbpf). TSBPF_CACHE=0 turns the cache off. Writers write a
 * temporary file and rename it, so concurrent processes never see a half-written entry.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, sep } from "node:path";

const FORMAT = "v1";

export interface CachedProbe {
  className: string;
  elf: Uint8Array;
}

export interface CacheEntry {
  probes: CachedProbe[];
  /** The compile's warnings, formatted: shown again when the entry is used. */
  warnings: string[];
}

interface Manifest {
  inputs: { path: string; sha256: string }[];
  probes: { className: string; object: string }[];
  warnings: string[];
}

export function cacheEnabled(): boolean {
  return process.env.TSBPF_CACHE !== "0";
}

function sha256(data: string | Uint8Array): string {
  return nodeCrypto().createHash("sha256").update(data).digest("hex");
}

/** The cache folder for a probe file. */
export function cacheDir(probeFile: string): string {
  if (process.env.TSBPF_CACHE_DIR) return process.env.TSBPF_CACHE_DIR;
  for (let dir = dirname(probeFile); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) return join(dir, "node_modules", ".cache", "tsbpf");
    if (dirname(dir) === dir) break;
  }
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsbpf");
}

/** node:crypto, loaded when a cache key is computed: `run x.o` and embedded objects never need it. */
function nodeCrypto(): typeof import("node:crypto") {
  return createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
}

let identity: string | undefined;

/**
 * What identifies the compiler: its package version, and, when it is not an installed package
 * (a workspace link, as in tsbpf's own repository), the sizes and times of its source and built
 * files, so that editing or rebuilding it invalidates what it compiled. Found without importing it.
 */
export function compilerIdentity(): string {
  if (identity) return identity;
  const require = createRequire(import.meta.url);
  const entry = realpathSync(require.resolve("@tsbpf/compiler"));
  let root = dirname(entry);
  while (!existsSync(join(root, "package.json")) && dirname(root) !== root) root = dirname(root);
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const parts = [`@tsbpf/compiler@${version}`];
  if (!root.split(sep).includes("node_modules")) parts.push(fingerprint([join(root, "src"), join(root, "dist"), join(root, "snapshot")]));
  identity = sha256(parts.join("\n"));
  return identity;
}

function fingerprint(dirs: string[]): string {
  const lines: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(c?js|ts)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
        const s = statSync(path);
        lines.push(`${path} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return sha256(lines.sort().join("\n"));
}

/** The first-level key: computed from the probe's own text, without the compiler. */
function manifestKey(probeFile: string, text: Uint8Array, options: object): string {
  return sha256([FORMAT, compilerIdentity(), JSON.stringify(options), probeFile, sha256(text)].join("\n"));
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The cached objects of a probe file compiled with `options`, if every input is unchanged. */
export function lookup(probeFile: string, options: object): CacheEntry | undefined {
  const text = readIfExists(probeFile);
  if (!text) return undefined;
  const dir = cacheDir(probeFile);
  const raw = readIfExists(join(dir, FORMAT, "manifests", `${manifestKey(probeFile, text, options)}.json`));
  if (!raw) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(raw.toString("utf8")) as Manifest;
  } catch {
    return undefined;
  }
  for (const input of manifest.inputs) {
    const bytes = readIfExists(input.path);
    if (!bytes || sha256(bytes) !== input.sha256) return undefined;
  }
  const probes: CachedProbe[] = [];
  for (const { className, object } of manifest.probes) {
    const elf = readIfExists(join(dir, FORMAT, "objects", `${object}.o`));
    if (!elf || sha256(elf) !== object) return undefined;
    probes.push({ className, elf: new Uint8Array(elf.buffer, elf.byteOffset, elf.byteLength) });
  }
  return { probes, warnings: manifest.warnings };
}

/** Writes `path` atomically: a temporary file in the same folder, then a rename over it. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${nodeCrypto().randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/**
 * Stores what compiling `probeFile` produced. `inputs` are the files the compiler read; the probe
 * file's text is the one the compile saw (`text`), so that an edit during the compile is a miss.
 * A cache that cannot be written (read-only folder) is skipped silently: it only saves time.
 */
export function store(probeFile: string, text: Uint8Array, options: object, inputs: readonly string[], entry: CacheEntry): void {
  try {
    const dir = cacheDir(probeFile);
    const manifest: Manifest = { inputs: [], probes: [], warnings: entry.warnings };
    for (const path of inputs) {
      const bytes = path === probeFile ? text : readIfExists(path);
      if (!bytes) return; // an input vanished: nothing trustworthy to store
      manifest.inputs.push({ path, sha256: sha256(bytes) });
    }
    for (const probe of entry.probes) {
      const object = sha256(probe.elf);
      const path = join(dir, FORMAT, "objects", `${object}.o`);
      if (!existsSync(path)) writeAtomic(path, probe.elf);
      manifest.probes.push({ className: probe.className, object });
    }
    writeAtomic(join(dir, FORMAT, "manifests", `${manifestKey(probeFile, text, options)}.json`), JSON.stringify(manifest));
  } catch {
    // best effort
  }
}
