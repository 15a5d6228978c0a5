/**
 * The order vitest starts test files in. With two workers the run ends when the later of them
 * finishes, so the long files start first (longest-first scheduling) and the short ones fill the
 * gaps; a clean clone has no vitest cache of durations, hence this list of the files measured
 * slowest (2026-11-23 runs of the suite). The VM boot (other-kernel: ~60-90 s of qemu in its
 * beforeAll) goes first, so that it overlaps with everything else. Files not listed keep vitest's
 * own order (cached durations, else larger files first).
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

const SLOW_FIRST = [
  "test/other-kernel.test.ts",
  "test/install.test.ts",
  "packages/compiler/src/conformance/fuzz/random-a.kernel.test.ts",
  "packages/compiler/src/conformance/fuzz/random-b.kernel.test.ts",
  "test/interop.test.ts",
  "test/types.test.ts",
  "packages/compiler/src/conformance/conformance.kernel.test.ts",
  "test/opensnoop.test.ts",
  "test/runqlat.test.ts",
];

function rank(spec: TestSpecification): number {
  const at = SLOW_FIRST.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
  return at < 0 ? SLOW_FIRST.length : at;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    return base.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map(({ spec }) => spec);
  }
}
