#!/usr/bin/env node
/**
 * The `tsbpf` command: `build` writes BPF objects, `run` runs probes and prints what they send.
 *
 * Each command's module is imported when that command runs: `help`, `inspect`, `run x.o` and a
 * run of a cached probe never load the compiler, and so never TypeScript (test/startup.test.ts).
 */
import { parseCommand, usage, UsageError } from "./cli/args.js";

async function main(argv: string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  try {
    if (argv[0] === "init") return (await import("./cli/init.js")).init(argv.slice(1), io);
    const command = parseCommand(argv);
    switch (command.kind) {
      case "help":
        io.stdout.write(usage + "\n");
        return 0;
      case "build":
        await (await import("./cli/build.js")).build(command, io);
        return 0;
      case "inspect":
        (await import("./cli/inspect.js")).inspect(command, io);
        return 0;
      case "gen":
        (await import("./cli/gen.js")).gen(command, io);
        return 0;
      case "run": {
        const { run } = await import("./cli/run.js");
        const interrupt = new AbortController();
        const onSignal = () => interrupt.abort();
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        try {
          await run(command, { ...io, signal: interrupt.signal });
        } finally {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
        }
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tsbpf: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === "CompileFailed") {
      io.stderr.write(`tsbpf: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
