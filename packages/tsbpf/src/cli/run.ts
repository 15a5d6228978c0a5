/**
 * `tsbpf run`: compile, load, attach every program, stream printk lines and ring/perf buffer events
 * until the duration ends or the user interrupts, then detach and print the maps' contents.
 */
import { CallSrc, Class, JmpOp, type ObjectSpec } from "@tsbpf/object";
import { HashMapHandle, loadObject, tracePipe, type BpfObject } from "@tsbpf/runtime";
import { compileForCli } from "./compile.js";
import { configValues } from "./config-values.js";
import { formatLog2Histogram, isLog2Histogram, log2Buckets } from "./histogram.js";
import { formatEntry, toJson } from "./format.js";
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

export async function run(command: RunCommand, io: RunIo): Promise<void> {
  const probes = compileForCli(command.file, command.className, io.stderr);
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

  const objects: { name: string; object: BpfObject }[] = [];
  const readers: Promise<void>[] = [];
  try {
    for (const probe of probes) {
      const object = await loadObject(probe.elf, { config: configValues(probe.spec, command.config) });
      objects.push({ name: probe.className, object });
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
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    clearTimeout(timer);
    clearInterval(timer);
    io.signal.removeEventListener("abort", onOuterAbort);
    stop.abort();
    // Detach before reading the maps, so that what is printed no longer changes.
    for (const { object } of objects) for (const link of object.links ?? []) link.close();
    await Promise.allSettled(readers);
    for (const { object } of objects) {
      try {
        printEventLosses(object, command.json, print);
        await printMaps(object, command.json, print);
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

async function printMaps(object: BpfObject, json: boolean, print: (line: string) => void): Promise<void> {
  for (const [name, map] of object.maps) {
    if (!(map instanceof HashMapHandle) || name.startsWith(".")) continue;
    const entries: [unknown, unknown][] = [];
    for await (const entry of map.entries()) entries.push(entry);
    if (isLog2Histogram(name, entries)) {
      // An array of counts named *hist: a log2 histogram (cli/histogram.ts).
      const buckets = log2Buckets(entries);
      if (json) print(toJson({ kind: "histogram", map: name, buckets }));
      else for (const line of formatLog2Histogram(name, buckets)) print(line);
    } else if (json) {
      print(toJson({ kind: "map", map: name, entries }));
    } else {
      print(`${name}: ${entries.length} entr${entries.length === 1 ? "y" : "ies"}`);
      for (const [key, value] of entries) print(`  ${formatEntry(key, value)}`);
    }
  }
}
