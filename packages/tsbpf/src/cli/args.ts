/**
 * What `tsbpf`'s commands take, as values: the parsed commands, the attach targets, and the
 * checks of option values (program.ts declares the options with commander and uses these). Values
 * are checked with zod schemas; a bad one is an InvalidArgumentError, which commander reports
 * naming the option and the value, with a message saying what is accepted (zod/mini: CLI start-up
 * pays for little of zod).
 */
import { InvalidArgumentError } from "commander";
import * as z from "zod/mini";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Targets for programs whose hook the section does not name completely. */
export interface AttachTargets {
  interface?: string;
  netns?: string;
  cgroup?: string;
  binary?: string;
  pid?: number;
  event?: string;
  frequency?: number;
}

export type Command =
  | { kind: "build"; file: string; output?: string; className?: string }
  | { kind: "inspect"; file: string }
  | { kind: "gen"; what: "vmlinux"; btf?: string; output?: string }
  | ({ kind: "run" } & RunOptions);

export interface RunOptions {
  file: string;
  durationSeconds?: number;
  json: boolean;
  config: Record<string, string>;
  className?: string;
  targets: AttachTargets;
  /** Write the stacks counted in maps as folded lines ("a;b;c count") to this file. */
  folded?: string;
  /** Write them as an SVG flame graph to this file. */
  flamegraph?: string;
  /** Keep what tsbpf's own process causes (printk lines and events of its pid); left out by default. */
  traceSelf: boolean;
  /** Print the maps every this many seconds too (bpftrace's `interval:s:N { print(@); }`). */
  intervalSeconds?: number;
  /** With an interval: clear the aggregations after each print. */
  clear?: boolean;
  /** Print maps declared `internal: true` too. */
  allMaps?: boolean;
}

/**
 * The perf events `--event` accepts: the runtime's SoftwareEvent and HardwareEvent names
 * (cli-args.test.ts checks that the lists agree; they are written out here so that `--help` does
 * not load the runtime).
 */
export const perfEvents = [
  "cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations", "minor-faults", "major-faults",
  "alignment-faults", "emulation-faults", "dummy",
  "cpu-cycles", "instructions", "cache-references", "cache-misses", "branch-instructions", "branch-misses", "bus-cycles",
  "ref-cpu-cycles",
] as const;

/** A timer's longest delay (2^31 - 1 ms): a longer one would fire at once. */
const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const seconds = z.pipe(z.string().check(z.trim(), z.minLength(1)), z.coerce.number<string>().check(z.positive(), z.lte(MAX_SECONDS)));
const positiveInt = z.pipe(z.string().check(z.trim(), z.regex(/^\d+$/)), z.coerce.number<string>().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER)));
const configPair = z.string().check(z.regex(/^[A-Za-z_$][\w$]*=.+$/s));

/** Checks `text` with `schema`, or throws what the option accepts (`accepts`). */
function check<T>(schema: z.ZodMiniType<T>, text: string, accepts: string): T {
  const result = schema.safeParse(text);
  if (!result.success) throw new InvalidArgumentError(accepts);
  return result.data;
}

/** `--duration`, `--interval`: a positive number of seconds. */
export function parseSeconds(text: string): number {
  return check(seconds, text, `expected a positive number of seconds (e.g. 5 or 0.5; at most ${MAX_SECONDS}).`);
}

/** `--pid`, `--frequency`: a positive integer. */
export function parsePositiveInt(text: string): number {
  return check(positiveInt, text, "expected a positive integer.");
}

/** `--config name=value`, repeatable: collected into a record. */
export function collectConfig(pair: string, previous: Record<string, string> = {}): Record<string, string> {
  check(configPair, pair, "expected name=value, where name is a @config field of the probe.");
  const at = pair.indexOf("=");
  return { ...previous, [pair.slice(0, at)]: pair.slice(at + 1) };
}
