/**
 * `tsbpf`'s commands and options, declared with commander: it gives every command its `--help`,
 * `--version`, and errors that name the option and the value (the accepted values come from the
 * parsers in args.ts). Each action imports its command's module when it runs, so that `--help`,
 * `inspect` and `run x.o` never load the compiler (test/startup.test.ts).
 */
import { Command, Option } from "commander";
import { collectConfig, parsePositiveInt, parseSeconds, perfEvents, UsageError, type RunOptions } from "./args.js";
import { stdoutClosed } from "./closed-pipe.js";
import { colorsFor } from "./colors.js";
import { parseMetricsAddress } from "./metrics-export.js";
import { tsbpfVersion } from "../package-root.js";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const runHelp = `
Programs whose hook needs a target take it from the options: XDP and tc an interface (in --netns),
cgroup hooks a cgroup, uprobes and USDT a binary, perf_event programs an event sampled at
--frequency (default 99 Hz) on every CPU. A program whose target is missing is an error before
anything is loaded.

What tsbpf's own process causes (its printk lines, events whose pid field is its pid) is left out,
so that tracing write(2) does not trace the printing of what it traced; --trace-self keeps it.

Maps print as bpftrace prints them: aggregations as values, histograms as bars; maps declared
internal print only with --all-maps. --interval prints them every <seconds> too, and --clear then
resets the aggregations.

Stack ids (fields named *stack*, e.g. kernelStack, userStack) print as symbolized frames: kernel
stacks from /proc/kallsyms, user stacks from the ELF symbols of the process (the key's pid field),
with C++ and Rust names demangled.

Examples:
  tsbpf run examples/hello.bpf.ts --duration 5
  tsbpf run examples/xdp-portfilter.bpf.ts --interface veth0 --netns test
  tsbpf run examples/profile.bpf.ts --event cpu-clock --frequency 99 --duration 10 --flamegraph profile.svg`;

/**
 * The program: `exitOverride` makes commander throw instead of exiting, so that cli.ts sets the
 * exit status (0 for --help and --version, 2 for usage errors).
 */
export function createProgram(io: CliIo, setExit: (code: number) => void, setRunning: (running: boolean) => void = () => {}): Command {
  const errColors = colorsFor(io.stderr);
  const program = new Command("tsbpf")
    .description("eBPF for TypeScript: compile probes written in TypeScript, load them, run them and print what they send")
    .version(tsbpfVersion(), "-V, --version", "print tsbpf's version")
    .helpOption("-h, --help", "show help for tsbpf or a command")
    .exitOverride()
    .showHelpAfterError(errColors.dim("(add --help for usage)"))
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(errColors.red(text.replace(/^error: /, "tsbpf: "))),
    })
    .addHelpText("after", `
Examples:
  tsbpf init my-probes
  tsbpf build probes/hello.bpf.ts -o hello.bpf.o
  tsbpf run <file.bpf.ts | obj.o> --duration 5
  tsbpf run --help`);

  program
    .command("init")
    .description("set up a project: a probe, a user-space script, a vitest test, tsconfig and package scripts")
    .argument("[folder]", "where (default: the current folder)")
    .action(async (folder: string | undefined) => {
      setExit((await import("./init.js")).init(folder === undefined ? [] : [folder], io));
    });

  program
    .command("build")
    .description("compile the probe classes of a file into BPF ELF objects (one per class)")
    .argument("<file.bpf.ts>", "the probe's source")
    .option("-o, --output <out.o>", "the object to write (default: beside the source, <name>.bpf.o)")
    .option("--class <Name>", "only this probe class of the file")
    .action(async (file: string, options: { output?: string; class?: string }) => {
      await (await import("./build.js")).build({ file, output: options.output, className: options.class }, io);
      setExit(0);
    });

  program
    .command("run")
    .description("compile (or take a built or cached object), load and attach every program; print bpf.printk lines " +
      "and events as they come; on exit (--duration, Ctrl-C) detach and print the maps")
    .usage("<file.bpf.ts | obj.o> [options]")
    .argument("<file>", "a .bpf.ts probe or a built BPF object")
    .addOption(new Option("-d, --duration <seconds>", "stop after this long (default: at Ctrl-C)").argParser(parseSeconds))
    .option("--json", "one JSON object a line on stdout (docs/guide.md lists the record kinds)")
    .addOption(new Option("-c, --config <name=value>", "set a @config field (repeatable)").argParser(collectConfig).default({}, "none"))
    .option("--class <Name>", "only this probe class of the file")
    .option("-i, --interface <name>", "network interface for XDP and tc programs")
    .option("--netns <name|path>", "network namespace the interface is in (a name from ip netns, or a path)")
    .option("--cgroup <path>", "cgroup (v2 directory) for cgroup programs")
    .option("--binary <path>", "executable or library for uprobes and USDT")
    .addOption(new Option("-p, --pid <pid>", "process for uprobes, USDT and perf events").argParser(parsePositiveInt))
    .addOption(new Option("--event <name>", "perf event for perf_event programs").choices(perfEvents))
    .addOption(new Option("--frequency <hz>", "samples a second for --event (default: 99)").argParser(parsePositiveInt))
    .option("--folded <file>", "write the stacks counted in maps as folded lines (a;b;c count), for flame graph tools")
    .option("--flamegraph <file.svg>", "write the stacks counted in maps as an interactive SVG flame graph")
    .option("--trace-self", "keep what tsbpf's own process causes (left out by default)")
    .addOption(new Option("--interval <seconds>", "print the maps every this many seconds too").argParser(parseSeconds))
    .option("--clear", "with --interval: reset the aggregations after each print")
    .option("--all-maps", "print maps declared internal: true too")
    .addOption(new Option("--metrics <address>", "serve the maps as Prometheus metrics at http://<address>/metrics while running (host:port, :port or port; host 127.0.0.1 unless given)").argParser(parseMetricsAddress))
    .addHelpText("after", runHelp)
    .action(async (file: string, o: {
      duration?: number; json?: boolean; config: Record<string, string>; class?: string; interface?: string; netns?: string;
      cgroup?: string; binary?: string; pid?: number; event?: string; frequency?: number; folded?: string; flamegraph?: string;
      traceSelf?: boolean; interval?: number; clear?: boolean; allMaps?: boolean; metrics?: string;
    }) => {
      if (o.clear && o.interval === undefined) {
        throw new UsageError("--clear resets the maps after each --interval print: give --interval <seconds>");
      }
      const options: RunOptions = {
        file, durationSeconds: o.duration, json: o.json ?? false, config: o.config, className: o.class,
        targets: { interface: o.interface, netns: o.netns, cgroup: o.cgroup, binary: o.binary, pid: o.pid, event: o.event, frequency: o.frequency },
        folded: o.folded, flamegraph: o.flamegraph, traceSelf: o.traceSelf ?? false,
        intervalSeconds: o.interval, clear: o.clear ?? false, allMaps: o.allMaps ?? false,
      };
      const { run } = await import("./run.js");
      // Ctrl-C and SIGTERM stop a run (which detaches and prints the maps) rather than killing it;
      // a second Ctrl-C kills it.
      // A closed stdout (closed-pipe.ts) stops it the same way.
      const interrupt = new AbortController();
      const onSignal = () => interrupt.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      setRunning(true);
      try {
        await run({ ...options, metrics: o.metrics }, { ...io, signal: AbortSignal.any([interrupt.signal, stdoutClosed.signal]) });
      } finally {
        setRunning(false);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      setExit(0);
    });

  // Editor and CI integration (docs/editor.md): checking without objects, and the language server.
  program
    .command("check")
    .description("report the compiler's diagnostics for probe files without writing objects; exit status 1 on errors")
    .argument("[files...]", "probe files or folders (default: every *.bpf.ts below the current folder)")
    .option("--json", "one JSON document: the files and their diagnostics with positions, for CI annotations")
    .action(async (files: string[], o: { json?: boolean }) => {
      setExit(await (await import("./check.js")).check({ files, json: o.json ?? false }, io));
    });
  program
    .command("lsp")
    .description("run the language server (LSP over stdio): tsbpf's diagnostics and quick fixes in editors")
    .option("--stdio", "talk over stdin and stdout (the only transport; editors pass it)")
    .action(async () => {
      await (await import("./lsp.js")).lsp();
      setExit(0);
    });

  program
    .command("snapshot")
    .description("build the compiler snapshot now (made in the background after the first compile otherwise): " +
      "compiles start without loading TypeScript; prints its path")
    .argument("[files...]", "probe files to warm it up with (their tsconfig and declarations; default: a small probe in the current folder)")
    .action(async (files: string[]) => {
      await (await import("./snapshot.js")).snapshot(files, io);
      setExit(0);
    });

  const gen = program.command("gen").description("generate files");
  gen
    .command("vmlinux")
    .description("write TypeScript declarations of the kernel's types (from /sys/kernel/btf/vmlinux or --btf)")
    .option("--btf <file>", "read BTF from this file")
    .option("-o, --output <vmlinux.d.ts>", "write here (default: stdout)")
    .action(async (options: { btf?: string; output?: string }) => {
      (await import("./gen.js")).gen({ btf: options.btf, output: options.output }, io);
      setExit(0);
    });

  program
    .command("inspect")
    .description("show a BPF object's programs, maps and BTF, and each program's disassembly with its source lines")
    .argument("<obj.o>", "a BPF ELF object (tsbpf-built or clang-built)")
    .action(async (file: string) => {
      (await import("./inspect.js")).inspect({ file }, io);
      setExit(0);
    });

  return program;
}
