/**
 * Regression cases found by the fuzzer: one JSON file each under ../regressions/, holding the
 * minimised program body, the inputs it fails on, what failed, and whether the bug is still open.
 * regressions.kernel.test.ts runs them all.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REGRESSION_DIR = fileURLToPath(new URL("../regressions/", import.meta.url));

export interface RegressionCase {
  /** File name without extension. */
  id: string;
  /** "mismatch" (kernel and evaluator disagree), "compile" (a valid program is refused), "load" (the verifier rejects it). */
  kind: "mismatch" | "compile" | "load";
  /** The first line of what failed when it was found. */
  found: string;
  /** "open" while the compiler still fails it (its test expects the failure); "fixed" after. */
  status: "open" | "fixed";
  /** The `@syscall` method's body over `Io`. */
  body: string;
  /** Module functions the body calls. */
  declarations?: string;
  /** Inputs, hex (trailing zero bytes left out). */
  inputs: string[];
}

export function writeRegression(c: RegressionCase, dir = REGRESSION_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${c.id}.json`);
  writeFileSync(path, JSON.stringify(c, null, 2) + "\n");
  return path;
}

export function readRegressions(): RegressionCase[] {
  let names: string[] = [];
  try {
    names = readdirSync(REGRESSION_DIR).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(REGRESSION_DIR, n), "utf8")) as RegressionCase);
}

export function inputFromHex(hex: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(Buffer.from(hex, "hex").subarray(0, size));
  return bytes;
}
