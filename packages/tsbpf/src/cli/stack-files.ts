/**
 * Writes `--folded` and `--flamegraph` at the end of a run, from the stacks the probes counted in
 * their maps (folded.ts), and says on stderr what was written.
 */
import type { BpfObject } from "@tsbpf/runtime";
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { RunOptions } from "./args.js";
import { flameGraphSvg } from "./flamegraph.js";
import { foldedStacks, foldedText } from "./folded.js";
import type { StackNames } from "./stacks.js";

export async function writeStackFiles(
  probes: { name: string; object: BpfObject; stacks: StackNames }[],
  options: Pick<RunOptions, "folded" | "flamegraph" | "file">,
  stderr: NodeJS.WritableStream,
): Promise<void> {
  if (!options.folded && !options.flamegraph) return;
  const all = new Map<string, bigint>();
  for (const { object, stacks } of probes) {
    for (const [line, count] of await foldedStacks(object, stacks)) all.set(line, (all.get(line) ?? 0n) + count);
  }
  const samples = [...all.values()].reduce((a, b) => a + b, 0n);
  if (options.folded) {
    writeFileSync(options.folded, foldedText(all));
    stderr.write(`tsbpf: ${options.folded}: ${all.size} stack(s), ${samples} sample(s) (folded)\n`);
  }
  if (options.flamegraph) {
    writeFileSync(options.flamegraph, flameGraphSvg(all, `${basename(options.file)}: ${samples} samples`));
    stderr.write(`tsbpf: ${options.flamegraph}: flame graph of ${all.size} stack(s), ${samples} sample(s)\n`);
  }
}
