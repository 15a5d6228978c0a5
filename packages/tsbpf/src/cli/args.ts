/**
 * Command-line parsing for `tsbpf`: node's parseArgs for the shape, zod for the values.
 */
import { parseArgs } from "node:util";
import { z } from "zod";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const usage = `usage:
  tsbpf init [<folder>]
      set up a project: a probe, a user-space script, a vitest test, tsconfig and package scripts
  tsbpf build <file.bpf.ts> [-o <out.o>] [--class <Name>]
      compile the probe classes of a file into BPF ELF objects (one per class)
  tsbpf run <file.bpf.ts | obj.o> [--duration <seconds>] [--json] [--config name=value]... [--class <Name>]
            [--interface <name>] [--netns <name>] [--cgroup <path>] [--binary <path>] [--pid <pid>]
            [--event <perf event>] [--frequency <hz>] [--interval <seconds> [--clear]] [--all-maps]
      compile (or take the built object, or a cached one), load and attach every program; print
      bpf.printk output and ring buffer events as they arrive; on exit (the duration, Ctrl-C)
      detach and print the maps' contents.
      Programs whose hook needs a target take it from the options: XDP and tc an interface (in
      --netns), cgroup hooks a cgroup, uprobes a binary, perf_event programs an event sampled at
      --frequency (default 99 Hz) on every CPU.
      Maps print as bpftrace prints them (aggregations and histograms; maps declared internal only
      with --all-maps); --interval prints them every <seconds> too, --clear then resets the aggregations
  tsbpf gen vmlinux [--btf <file>] [-o <vmlinux.d.ts>]
      write TypeScript declarations of the kernel's types (from /sys/kernel/btf/vmlinux or <file>)
  tsbpf inspect <obj.o>
      show a BPF object's programs, maps and BTF, and each program's disassembly interleaved
      with its source lines (tsbpf-built and clang-built objects alike)
  tsbpf help`;

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

const positiveInt = (what: string) => z.coerce.number().int(`${what} must be an integer`).positive(`${what} must be positive`);
const duration = z.coerce.number().positive("--duration must be a positive number of seconds");
const interval = z.coerce.number().positive("--interval must be a positive number of seconds");
const configPair = z.string().regex(/^[A-Za-z_$][\w$]*=.+$/, "--config takes name=value");

export type Command =
  | { kind: "help" }
  | { kind: "build"; file: string; output?: string; className?: string }
  | { kind: "inspect"; file: string }
  | { kind: "gen"; what: "vmlinux"; btf?: string; output?: string }
  | {
      kind: "run";
      file: string;
      durationSeconds?: number;
      json: boolean;
      config: Record<string, string>;
      className?: string;
      targets: AttachTargets;
      intervalSeconds?: number;
      clear: boolean;
      allMaps: boolean;
    };

export function parseCommand(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") return { kind: "help" };
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        class: { type: "string" },
        duration: { type: "string", short: "d" },
        json: { type: "boolean", default: false },
        config: { type: "string", short: "c", multiple: true },
        btf: { type: "string" },
        interface: { type: "string", short: "i" },
        netns: { type: "string" },
        cgroup: { type: "string" },
        binary: { type: "string" },
        pid: { type: "string", short: "p" },
        event: { type: "string" },
        frequency: { type: "string" },
        interval: { type: "string" },
        clear: { type: "boolean", default: false },
        "all-maps": { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (command === "gen") {
    if (positionals.length !== 1 || positionals[0] !== "vmlinux") throw new UsageError("tsbpf gen takes one target: vmlinux");
    return { kind: "gen", what: "vmlinux", btf: values.btf, output: values.output };
  }
  if (positionals.length !== 1) throw new UsageError(`tsbpf ${command} takes exactly one file`);
  const file = positionals[0]!;
  switch (command) {
    case "build":
      return { kind: "build", file, output: values.output, className: values.class };
    case "inspect":
      return { kind: "inspect", file };
    case "run": {
      const config: Record<string, string> = {};
      for (const pair of values.config ?? []) {
        const checked = configPair.safeParse(pair);
        if (!checked.success) throw new UsageError(checked.error.issues[0]!.message + `: ${pair}`);
        const at = pair.indexOf("=");
        config[pair.slice(0, at)] = pair.slice(at + 1);
      }
      let durationSeconds: number | undefined;
      if (values.duration !== undefined) {
        const checked = duration.safeParse(values.duration);
        if (!checked.success) throw new UsageError(checked.error.issues[0]!.message);
        durationSeconds = checked.data;
      }
      const number = (value: string | undefined, what: string): number | undefined => {
        if (value === undefined) return undefined;
        const checked = positiveInt(what).safeParse(value);
        if (!checked.success) throw new UsageError(checked.error.issues[0]!.message);
        return checked.data;
      };
      const targets: AttachTargets = {
        interface: values.interface, netns: values.netns, cgroup: values.cgroup, binary: values.binary, event: values.event,
        pid: number(values.pid, "--pid"), frequency: number(values.frequency, "--frequency"),
      };
      let intervalSeconds: number | undefined;
      if (values.interval !== undefined) {
        const checked = interval.safeParse(values.interval);
        if (!checked.success) throw new UsageError(checked.error.issues[0]!.message);
        intervalSeconds = checked.data;
      }
      if (values.clear && intervalSeconds === undefined) throw new UsageError("--clear resets the maps after each --interval print: give --interval <seconds>");
      return { kind: "run", file, durationSeconds, json: values.json ?? false, config, className: values.class, targets,
        intervalSeconds, clear: values.clear ?? false, allMaps: values["all-maps"] ?? false };
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}
