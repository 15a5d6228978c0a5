/**
 * `loadObject`: from an ObjectSpec (or ELF bytes) to a BpfObject whose programs the kernel has
 * verified. Steps: the object's BTF, the maps (global data initialised and `config` applied,
 * `.rodata` frozen), map references patched into the instructions, each program loaded with
 * its func_info and line_info, handles made for the maps. Everything created is released again
 * if any step fails.
 */
import { isCounterArray, MapType, ObjectFormatError, readElf, recordTypeOf, type Btf, type LazyBtf, type ObjectSpec } from "@tsbpf/object";
import { applyCoreRelocations, type CoreRelocationReport } from "../core/relocate.js";
import { customCoreTargets, kernelCoreTargets } from "../core/kernel-btf.js";
import { explainPoison } from "../core/errors.js";
import type { CoreTargets } from "../core/candidates.js";
import { codecFor, rawCodec, type Codec } from "../btf-values/index.js";
import { ObjectError } from "../errors.js";
import { probeBpf, requireFeature } from "../features.js";
import { GlobalDataHandle, sectionVariables } from "../maps/global-data.js";
import { BpfMap } from "../maps/map.js";
import { makeMapHandle } from "../maps/handles.js";
import { AggregationHandle, aggregationOf } from "../maps/aggregation.js";
import type { HashMapHandle } from "../maps/hash-map.js";
import { isPerCpu } from "../maps/per-cpu.js";
import { RingBufReader } from "../maps/ring-buffer.js";
import { recordDecoder } from "../events/decoder.js";
import { PerfBufReader } from "../events/perf-buffer.js";
import { PerfCounterArrayHandle } from "../maps/perf-counters.js";
import "../sys/native.js";
import { loadObjectBtf } from "./btf.js";
import { initialContents } from "./config.js";
import { createMaps, type CreatedMap } from "./maps.js";
import { BpfObject } from "./object.js";
import { loadProgram, type BpfProgram, type ProgramLoadOptions } from "./program.js";
import { resolveExterns } from "./externs.js";
import { createStructOpsMap, planStructOps, type StructOpsPlan } from "../maps/struct-ops.js";
import { createKconfigMap, kconfigExterns, type KconfigMap } from "./kconfig.js";
import { relocateMaps } from "./relocate.js";

export interface LoadOptions extends ProgramLoadOptions {
  /**
   * Initial values of global variables by name: `@config` fields (`.rodata`, frozen after load),
   * and `.data`/`.bss` variables. Values are checked against the variables' types.
   */
  config?: Record<string, unknown>;
  /**
   * The BTF CO-RE relocations are resolved against instead of the running kernel's
   * (/sys/kernel/btf/vmlinux and module BTF): another kernel's BTF, or one a test derived.
   * libbpf calls this btf_custom_path.
   */
  coreBtf?: Uint8Array | LazyBtf;
  /** Receives, per program, where each CO-RE relocation went (and which were poisoned). */
  onCoreRelocations?: (program: string, report: CoreRelocationReport) => void;
}

/** ELF bytes to a spec, through @tsbpf/object's reader, with its errors as ObjectError. */
function parseElf(bytes: Uint8Array): ObjectSpec {
  try {
    return readElf(bytes);
  } catch (cause) {
    if (cause instanceof ObjectFormatError) throw new ObjectError(`malformed BPF object: ${cause.message}`, { section: cause.section, cause });
    throw cause;
  }
}

function codecOrRaw(btf: Btf, typeId: number, size: number): Codec {
  return typeId ? codecFor(btf, typeId) : rawCodec(size);
}

function makeHandle(spec: ObjectSpec, created: CreatedMap): BpfMap {
  const { spec: map, fd, attr } = created;
  const shape = { name: map.name, type: attr.type, keySize: attr.keySize, valueSize: attr.valueSize, maxEntries: attr.maxEntries, flags: attr.flags ?? 0 };
  if (map.kind !== "btf-map") {
    return new GlobalDataHandle(fd, shape, sectionVariables(spec.btf, map.name), { readOnly: map.kind === "rodata", mmapable: created.mmapable });
  }
  // A perf event array of counters (tagged by the compiler): user space opens counters into it, no rings.
  if (map.type === MapType.PerfEventArray && isCounterArray(spec.btf, map.name)) return new PerfCounterArrayHandle(fd, shape);
  if (map.type === MapType.RingBuf || map.type === MapType.UserRingBuf || map.type === MapType.PerfEventArray) {
    // Perf arrays' BTF value is the fd slot (u32): the record type is only ever the tagged one.
    const record = map.type !== MapType.PerfEventArray ? map.valueTypeId : recordTypeOf(spec.btf, map.name);
    return makeMapHandle(fd, shape, record ? { record: codecFor(spec.btf, record), decoder: recordDecoder(spec.btf, record) } : {});
  }
  const handle = makeMapHandle(fd, shape, {
    key: map.keyTypeId ? codecOrRaw(spec.btf, map.keyTypeId, map.keySize) : undefined,
    value: map.valueTypeId ? codecOrRaw(spec.btf, map.valueTypeId, map.valueSize) : undefined,
  });
  // CountMap, Log2Histogram, ...: a per-CPU map whose value struct names the aggregation.
  const aggregation = isPerCpu(map.type) ? aggregationOf(spec.btf, map.valueTypeId) : undefined;
  return aggregation ? new AggregationHandle(handle as HashMapHandle<unknown, never[]>, aggregation) : handle;
}

/**
 * Loads a BPF object into the kernel: creates its maps, loads (verifies) its programs, and
 * returns handles to both. Nothing is attached yet: call `attach()`.
 *
 * Needs Linux with bpf() and CAP_BPF (or root); BTF-defined maps and line info need 5.2+,
 * ring buffers 5.8, global data maps 5.2 (mmapable 5.5). Throws VerifierError (mapped to the
 * source line), PermissionError, NotSupportedError, ObjectError or MapError.
 */
export async function loadObject(source: ObjectSpec | Uint8Array, options: LoadOptions = {}): Promise<BpfObject> {
  const spec = source instanceof Uint8Array ? parseElf(source) : source;
  // Config is checked before anything touches the kernel: a typo costs nothing.
  const contents = initialContents(spec, options.config);
  requireFeature("bpf()", probeBpf());

  const btf = loadObjectBtf(spec);
  let maps: Map<string, CreatedMap> | undefined;
  let kconfig: KconfigMap | undefined;
  const programs = new Map<string, BpfProgram>();
  const handles = new Map<string, BpfMap>();
  let targets: CoreTargets | undefined;
  try {
    maps = createMaps(spec, btf?.fd.raw, contents);
    const kconfigNames = kconfigExterns(spec);
    if (kconfigNames.length) kconfig = createKconfigMap(spec, kconfigNames);
    // struct_ops variables (`.struct_ops*` sections) are matched to the kernel's structs first:
    // their programs load with the struct's BTF id and the member's index.
    const structOps = (spec.structOps ?? []).map((ops) => planStructOps(spec.btf, ops));
    const structOpsTargets = structOpsPrograms(structOps);
    for (const program of spec.programs) {
      if (programs.has(program.name)) throw new ObjectError(`two programs are named ${program.name}`, { section: program.section });
      const insns = relocateMaps(program, (name) => maps!.get(name)?.fd.raw);
      resolveExterns(program, insns, kconfig);
      let poisoned: CoreRelocationReport["poisoned"] = [];
      if (program.coreRelocations.length > 0) {
        targets ??= options.coreBtf ? customCoreTargets(options.coreBtf) : kernelCoreTargets();
        const report = applyCoreRelocations(program, insns, spec.btf, targets);
        options.onCoreRelocations?.(program.name, report);
        poisoned = report.poisoned;
      }
      try {
        programs.set(program.name, loadProgram(program, insns, { btfFd: btf?.fd.raw, strings: btf?.strings, btf: spec.btf, license: spec.license, structOps: structOpsTargets.get(program.name) }, options));
      } catch (error) {
        throw explainPoison(error, poisoned, program.lineInfo);
      }
    }
    for (const created of maps.values()) handles.set(created.spec.name, makeHandle(spec, created));
    for (const plan of structOps) {
      const { name, section } = plan.spec;
      if (handles.has(name)) throw new ObjectError(`struct_ops ${name} has the name of another map`, { section });
      handles.set(name, createStructOpsMap(plan, (p) => {
        const loaded = programs.get(p);
        if (!loaded) throw new ObjectError(`struct_ops ${name} names program ${p}, which the object does not have`, { section });
        return loaded.fd.raw;
      }, btf?.fd.raw));
    }
    for (const program of programs.values()) program.bindMaps(handles);
    bindReserveFailureCounters(handles);
    // Perf buffers open their per-CPU rings now, not on the first read: a record the program
    // writes right after attach() must find a ring (bpf_perf_event_output fails with -ENOENT on an
    // empty slot, and nobody would count it).
    for (const h of handles.values()) if (h instanceof PerfBufReader) h.open();
    if (kconfig) handles.set(".kconfig", new BpfMap(kconfig.fd, { name: ".kconfig", type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }));
  } catch (error) {
    kconfig?.fd.close();
    for (const program of programs.values()) program.close();
    for (const handle of handles.values()) handle.close();
    for (const created of maps?.values() ?? []) created.fd.close();
    btf?.fd.close();
    throw error;
  }
  return new BpfObject(spec, programs, handles, btf?.fd);
}

/** For each program a struct_ops variable points at: the struct's BTF id and the member it implements. */
function structOpsPrograms(plans: StructOpsPlan[]): Map<string, { typeId: number; memberIndex: number }> {
  const out = new Map<string, { typeId: number; memberIndex: number }>();
  for (const plan of plans) {
    for (const [program, target] of plan.programs) {
      const earlier = out.get(program);
      // libbpf allows one program in several variables only for the same member of the same struct.
      if (earlier && (earlier.typeId !== target.typeId || earlier.memberIndex !== target.memberIndex)) {
        throw new ObjectError(`program ${program} implements members of two different struct_ops`, { section: plan.spec.section });
      }
      out.set(program, target);
    }
  }
  return out;
}

/**
 * Event maps whose object counts failed writes read them back: `__reserve_failed_<ring>` for ring
 * buffers, `__output_failed_<map>` for perf event arrays (tsbpf's compiler gives every one such a
 * counter; a clang-built object may name its own the same way).
 */
function bindReserveFailureCounters(handles: Map<string, BpfMap>): void {
  const data = [...handles.values()].filter((h): h is GlobalDataHandle => h instanceof GlobalDataHandle);
  const counter = (variable: string) => {
    const section = data.find((d) => d.names.includes(variable));
    return section && (() => BigInt(section.get(variable) as bigint | number));
  };
  for (const h of handles.values()) {
    const read = h instanceof RingBufReader ? counter(`__reserve_failed_${h.name}`) : h instanceof PerfBufReader ? counter(`__output_failed_${h.name}`) : undefined;
    if (!read) continue;
    if (h instanceof RingBufReader) h.bindReserveFailureCounter(read);
    else if (h instanceof PerfBufReader) h.bindOutputFailureCounter(read);
  }
}
