/**
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
import { UsageError } from "./args.js";
import { compileForCli, type CliProbe } from "./compile.js";
import { configValues } from "./config-values.js";
import { toJson } from "./format.js";
import { clearAggregations, printMaps } from "./print-maps.js";
import type { AttachTargets } from "./args.js";
import { attachAll } from "./attach-targets.js";
import { printEventLosses, streamEvents } from "./event-streams.js";

export interface RunCommand {
  file: string;
  durationSeconds?: number;
  json: boolean;
  config: Record<string, string>;
  className?: string;
  targets?: AttachTargets;
  /** Print the maps every this many seconds too (bpftrace's `interval:s:N { print(@); }`). */
  intervalSeconds?: number;
  /** With an interval: clear the aggregations after each print. */
  clear?: boolean;
  /** Print internal maps too. */
  allMaps?: boolean;
}

export interface RunIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on Ctrl-C / SIGTERM by the caller. */
  signal: AbortSignal;
}

const BPF_FUNC_trace_printk = 6;

/** Whether any program calls bpf_trace_printk: only then is trace_pipe worth reading. */
function usesPrintk(spec: ObjectSpec): boolean {
  return spec.programs.some((program) =>
    program.instructions.some(
      (insn) => insn.code === (Class.JMP | JmpOp.CALL) && insn.src === CallSrc.HELPER && insn.imm === BPF_FUNC_trace_printk,
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
  const probes = isElfFile(command.file)
    ? [objectProbe(command.file, command.className)]
    : await compileForCli(command.file, command.className, io.stderr);
  const print = (line: string) => io.stdout.write(line + "\n");
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  // Ctrl-C may come while compiling (which blocks): then the signal is already aborted.
  if (io.signal.aborted) stop.abort();
  io.signal.addEventListener("abort", onOuterAbort, { once: true });
  // Without a duration, nothing else may hold the event loop open while waiting for Ctrl-C.
  const timer = command.durationSeconds !== undefined
    ? setTimeout(() => stop.abort(), command.durationSeconds * 1000)
    : setInterval(() => undefined, 1 << 30);

  const objects: { name: string; object: BpfObject; spec: ObjectSpec }[] = [];
  const mapOptions = { json: command.json, allMaps: command.allMaps ?? false };
  let interval: NodeJS.Timeout | undefined;
  const readers: Promise<void>[] = [];
  try {
    for (const probe of probes) {
      const object = await loadObject(probe.elf, { config: configValues(probe.spec, command.config) });
      objects.push({ name: probe.className, object, spec: probe.spec });
      const { links, skipped } = attachAll(object, command.targets ?? {});
      if (command.json) {
        print(toJson({ kind: "attached", probe: probe.className, programs: object.programs.size, links: links.length,
          ...(skipped.length > 0 ? { unattached: skipped } : {}) }));
      } else {
        for (const { program, needs } of skipped) io.stderr.write(`${probe.className}.${program}: not attached (needs ${needs}).\n`);
        io.stderr.write(`${probe.className}: ${object.programs.size} program(s) loaded, ${links.length} attached. ` +
          (command.durationSeconds ? `Running for ${command.durationSeconds} s` : "Ctrl-C to stop") + ".\n");
      }
      readers.push(...streamEvents(object, command.json, print, stop.signal));
    }
    if (probes.some((p) => usesPrintk(p.spec))) readers.push(drainPrintk(command.json, print, stop.signal));
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
    io.signal.removeEventListener("abort", onOuterAbort);
    stop.abort();
    // Detach before reading the maps, so that what is printed no longer changes.
    for (const { object } of objects) for (const link of object.links ?? []) link.close();
    await Promise.allSettled(readers);
    for (const { object, spec } of objects) {
      try {
        printEventLosses(object, command.json, print);
        await printMaps(object, spec, mapOptions, print);
      } finally {
        object.close();
      }
    }
  }
}

async function drainPrintk(json: boolean, print: (line: string) => void, signal: AbortSignal): Promise<void> {
  try {
    for await (const line of tracePipe({ signal })) {
      if (!line.message) continue;
      print(json
        ? toJson({ kind: "printk", comm: line.comm, pid: line.pid, cpu: line.cpu, timestamp: line.timestamp, message: line.message })
        : `[printk] ${line.comm}-${line.pid}: ${line.message}`);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** One `--interval` print: a time line (bpftrace's `time()`), the maps, then `--clear`. */
async function printInterval(objects: { object: BpfObject; spec: ObjectSpec }[], options: { json: boolean; allMaps: boolean },
  clear: boolean, print: (line: string) => void): Promise<void> {
  const now = new Date();
  print(options.json ? toJson({ kind: "interval", time: now.toISOString() }) : now.toTimeString().slice(0, 8));
  for (const { object, spec } of objects) {
    await printMaps(object, spec, options, print);
    if (clear) clearAggregations(object);
  }
}
