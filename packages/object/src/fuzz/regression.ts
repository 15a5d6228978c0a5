/**
 * A minimised finding kept as a regression case: the target, the seed it mutates, the edits and
 * the error it once caused. Stored as JSON in regressions/ (one file a finding) and replayed by
 * fuzz.test.ts, which expects only the target's typed refusal from it now.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Finding } from "./campaign.js";
import type { Mutation } from "./mutation.js";

export interface RegressionCase {
  target: string;
  seed: string;
  mutation: Mutation;
  /** What the input used to cause (before the fix). */
  was: string;
}

export function regressionFile(dir: string, finding: Finding): string {
  const key = JSON.stringify([finding.target, finding.seed, finding.mutation]);
  return join(dir, `${finding.target}-${createHash("sha256").update(key).digest("hex").slice(0, 12)}.json`);
}

export function writeRegression(dir: string, finding: Finding): string {
  const file = regressionFile(dir, finding);
  const data: RegressionCase = { target: finding.target, seed: finding.seed, mutation: finding.mutation, was: finding.error };
  writeFileSync(file, JSON.stringify(data, null, 1) + "\n");
  return file;
}

export function readRegressions(dir: string): { file: string; data: RegressionCase }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: f, data: JSON.parse(readFileSync(join(dir, f), "utf8")) as RegressionCase }));
}
