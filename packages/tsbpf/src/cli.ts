#!/usr/bin/env node
/**
 * The `tsbpf` command: `build` writes BPF objects, `run` runs probes and prints what they send.
 * Commands and options are declared in cli/program.ts (commander); this file sets the exit status.
 *
 * Each command's module is imported when that command runs: `help`, `inspect`, `run x.o` and a
 * run of a cached probe never load the compiler, and so never TypeScript (test/startup.test.ts).
 */
import { CommanderError } from "commander";
import { UsageError } from "./cli/args.js";
import { colorsFor } from "./cli/colors.js";
import { guardedStdout, onClosedPipe } from "./cli/closed-pipe.js";
import { createProgram } from "./cli/program.js";

async function main(argv: string[]): Promise<number> {
  // A closed stdout stops a run (program.ts listens) and ends any other command at once.
  let running = false;
  const io = { stdout: guardedStdout(process.stdout, () => running || process.exit(0)), stderr: process.stderr };
  onClosedPipe(process.stderr, () => process.exit(0));
  const c = colorsFor(io.stderr);
  let status = 0;
  const program = createProgram(io, (code) => (status = code), (active) => (running = active));
  try {
    if (argv.length === 0) {
      io.stdout.write(program.helpInformation());
      return 0;
    }
    await program.parseAsync(argv, { from: "user" });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; commander has printed the message.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr.write(c.red(`tsbpf: ${error.message}`) + "\n" + c.dim("(add --help for usage)") + "\n");
      return 2;
    }
    if (error instanceof Error && error.name === "Interrupted") return 130;
    if (error instanceof Error && error.name === "CompileFailed") {
      io.stderr.write(c.red(`tsbpf: ${error.message}`) + "\n");
      return 1;
    }
    io.stderr.write(c.red(`tsbpf: ${error instanceof Error ? error.message : String(error)}`) + "\n");
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
