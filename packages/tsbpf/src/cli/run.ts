/**
 * `tsbpf run`: compile (or take a built object, or a cached one), load, attach every program,
 * stream printk lines and ring/perf buffer events until the duration ends or the user interrupts,
 * then detach and print the maps' contents. Events and maps are decoded from the object's BTF, so a
 * built `.o` (tsbpf's or clang's) runs without its source.
 */
import { CallSrc, Class, JmpOp, readElf, type ObjectSpec } from "@tsbpf/object";
import { loadObject, tracePipe, type BpfObject } from "@tsbpf/runtime";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { basename } from "node:path";
import { UsageError, type RunOptions } from "./args.js";
import { compileForCli, type CliProbe } from "./compile.js";
import { configValues } from "./config-values.js";
import { toJson } from "./format.js";
import { clearAggregations, printMaps, type PrintMapsOptions } from "./print-maps.js";
import type { AttachTargets } from "./args.js";
import { attachAll, checkTargets } from "./attach-targets.js";
import { printEventLosses, streamEvents } from "./event-streams.js";
import { progressOn } from "./progress.js";
import { SelfFilter } from "./self-filter.js";
import { StackNames } from "./stacks.js";
import { writeStackFiles } from "./stack-files.js";
import { startMetrics } from "./metrics-export.js";

/** Ctrl-C came before the probes ran: exit 130 (128 + SIGINT), as a shell reports such a tool. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

export type RunCommand = Omit<RunOptions, "targets" | "traceSelf"> & {
  targets?: AttachTargets; traceSelf?: boolean;
  /** Serve the maps for Prometheus at this address while running (metrics-export.ts). */
  metrics?: string;
};

export interface RunIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on Ctrl-C / SIGTERM by the caller. */
  signal: AbortSignal;
}

const BPF_FUNC_trace_printk = 6;
const BPF_FUNC_trace_vprintk = 177;

/** Whether any program calls bpf_trace_printk: only then is trace_pipe worth reading. */
function usesPrintk(spec: ObjectSpec): boolean {
  return spec.programs.some((program) =>
    program.instructions.some(
      (insn) => insn.code === (Class.JMP | JmpOp.CALL) && insn.src === CallSrc.HELPER && (insn.imm === BPF_FUNC_trace_printk || insn.imm === BPF_FUNC_trace_vprintk),
    ),
  );
}

/** Whether a file is an ELF object (by its magic bytes, whatever its name). */
export function isElfFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A built object as the one probe to run, named after its file (`hello.bpf.o` runs as `hello`). */
function objectProbe(file: string, className: string | undefined): CliProbe {
  if (className !== undefined) {
    throw new UsageError(`--class chooses among the classes of a .bpf.ts file; ${file} is an object, which holds one probe`);
  }
  const elf = new Uint8Array(readFileSync(file));
  let spec: ObjectSpec;
  try {
    spec = readElf(elf);
  } catch (error) {
    throw new UsageError(`${file} is not a BPF object: ${(error as Error).message}`);
  }
  return { className: basename(file).replace(/(\.bpf)?\.o$/, ""), elf, spec };
}

export async function run(command: RunCommand, io: RunIo): Promise<void> {
  if (!existsSync(command.file)) throw new UsageError(`no such file: ${command.file}`);
  const progress = progressOn(io.stderr, command.json ? "quiet" : "auto");
  const objects: { name: string; object: BpfObject; stacks: StackNames }[] = [];
  let stopMetrics: (() => Promise<void>) | undefined;
  const closeAll = () => {
    for (const { object } of objects) object.close();
    objects.length = 0;
  };
  // Set-up: compile, load, check the targets and attach everything before anything is printed, so
  // that a failure leaves stdout empty and exits non-zero.
  // Ctrl-C while compiling or loading (which block): stop at the next step, as a C tool killed by SIGINT would.
  const interrupted = () => {
    if (io.signal.aborted) throw new Interrupted();
  };
  try {
    const elf = isElfFile(command.file);
    if (!elf) progress.step(`compiling ${basename(command.file)}`);
    // Diagnostics and warnings replace the status line rather than run on from it.
    const diagnostics = { write: (text: string) => (progress.fail(), io.stderr.write(text)) } as NodeJS.WritableStream;
    const probes = elf ? [objectProbe(command.file, command.className)] : await compileForCli(command.file, command.className, diagnostics);
    interrupted();
    for (const probe of probes) {
      progress.step(`loading ${probe.className} (${probe.spec.programs.length} program(s), ${probe.spec.maps.length} map(s))`);
      const object = await loadObject(probe.spec, { config: configValues(probe.spec, command.config) }); // the spec, read once
      objects.push({ name: probe.className, object, stacks: new StackNames(object) });
      interrupted();
    }
    checkTargets(objects, command.targets ?? {});
    if ((command.folded || command.flamegraph) && !objects.some((o) => o.stacks.enabled)) {
      throw new UsageError(`--${command.folded ? "folded" : "flamegraph"}: ${command.file} keeps no stacks (no StackTrace map)`);
    }
    const attached = [];
    for (const { name, object } of objects) {
      progress.step(`attaching ${name}`);
      attached.push({ name, object, ...attachAll(object, command.targets ?? {}) });
    }
    interrupted();
    stopMetrics = await startMetrics(objects, command.metrics, process.env, io.stderr);
    progress.fail();
    for (const { name, object, links, skipped } of attached) {
      if (command.json) {
        io.stdout.write(toJson({ kind: "attached", probe: name, programs: object.programs.size, links: links.length,
          ...(skipped.length > 0 ? { unattached: skipped } : {}) }) + "\n");
      } else {
        for (const { program, needs } of skipped) progress.note(`${name}.${program}: not attached (needs ${needs})`);
        progress.done(`${name}: ${object.programs.size} program(s) loaded, ${links.length} attached. ` +
          (command.durationSeconds ? `Running for ${command.durationSeconds} s` : "Ctrl-C to stop") + ".");
      }
    }
  } catch (error) {
    progress.fail();
    closeAll();
    throw error;
  }

  const print = (line: string) => io.stdout.write(line + "\n");
  const self = new SelfFilter(!command.traceSelf);
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  io.signal.addEventListener("abort", onOuterAbort, { once: true });
  // Without a duration, nothing else may hold the event loop open while waiting for Ctrl-C.
  const timer = command.durationSeconds !== undefined
    ? setTimeout(() => stop.abort(), command.durationSeconds * 1000)
    : setInterval(() => undefined, 1 << 30);
  const mapOptions = { json: command.json, allMaps: command.allMaps ?? false };
  let interval: NodeJS.Timeout | undefined;
  const readers: Promise<void>[] = [];
  // User stacks are named through their process's mappings, which go when it exits: read them while it runs.
  let remembering = false;
  const remember = objects.some((o) => o.stacks.enabled)
    ? setInterval(() => {
      if (remembering) return;
      remembering = true;
      void Promise.allSettled(objects.map(({ object, stacks }) => stacks.rememberFromMaps(object))).then(() => (remembering = false));
    }, 1000)
    : undefined;
  try {
    for (const { object, stacks } of objects) readers.push(...streamEvents(object, command.json, print, stop.signal, { self, stacks }));
    if (objects.some(({ object }) => usesPrintk(object.spec))) readers.push(drainPrintk(command.json, print, stop.signal, self));
    if (command.intervalSeconds !== undefined) {
      interval = setInterval(() => void printInterval(objects, mapOptions, command.clear ?? false, print), command.intervalSeconds * 1000);
    }
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    clearTimeout(timer);
    clearInterval(timer);
    clearInterval(interval);
    clearInterval(remember);
    io.signal.removeEventListener("abort", onOuterAbort);
    stop.abort();
    await stopMetrics?.();
    // Detach before reading the maps, so that what is printed no longer changes.
    for (const { object } of objects) for (const link of object.links ?? []) link.close();
    await Promise.allSettled(readers);
    try {
      for (const { object, stacks } of objects) {
        printEventLosses(object, command.json, print);
        await printMaps(object, object.spec, mapOptions, print, stacks);
      }
      await writeStackFiles(objects, command, io.stderr);
      if (self.dropped > 0 && !command.json) {
        io.stderr.write(`tsbpf: left out ${self.dropped} record(s) caused by tsbpf itself (pid ${process.pid}); --trace-self keeps them\n`);
      }
    } finally {
      closeAll();
    }
  }
}

async function drainPrintk(json: boolean, print: (line: string) => void, signal: AbortSignal, self: SelfFilter): Promise<void> {
  try {
    for await (const line of tracePipe({ signal })) {
      if (!line.message || self.dropPrintk(line.pid)) continue;
      print(json
        ? toJson({ kind: "printk", comm: line.comm, pid: line.pid, cpu: line.cpu, timestamp: line.timestamp, message: line.message })
        : `[printk] ${line.comm}-${line.pid}: ${line.message}`);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** One `--interval` print: a time line (bpftrace's `time()`), the maps, then `--clear`. */
async function printInterval(objects: { object: BpfObject; stacks: StackNames }[], options: PrintMapsOptions,
  clear: boolean, print: (line: string) => void): Promise<void> {
  const now = new Date();
  print(options.json ? toJson({ kind: "interval", time: now.toISOString() }) : now.toTimeString().slice(0, 8));
  for (const { object, stacks } of objects) {
    await printMaps(object, object.spec, options, print, stacks);
    if (clear) clearAggregations(object);
  }
}
