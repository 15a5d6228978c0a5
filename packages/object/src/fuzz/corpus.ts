/**
 * The fuzz corpus: small BPF objects built by clang (from the C fixtures and the benchmarks' C
 * twins) and by tsbpf (from examples/), committed so that every run mutates the same bytes;
 * `node scripts/fuzz-corpus.mjs` rebuilds them. Test and fuzz support only (reads files).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CORPUS_DIR = fileURLToPath(new URL("./corpus/", import.meta.url));
export const REGRESSIONS_DIR = fileURLToPath(new URL("./regressions/", import.meta.url));

export function loadCorpus(): Map<string, Uint8Array> {
  const corpus = new Map<string, Uint8Array>();
  for (const file of readdirSync(CORPUS_DIR).filter((f) => f.endsWith(".o")).sort()) {
    corpus.set(file, new Uint8Array(readFileSync(join(CORPUS_DIR, file))));
  }
  return corpus;
}
