/**
 * A BPF_MAP_TYPE_PERF_EVENT_ARRAY of counters (the DSL's `PerfCounterArray`, bcc's
 * `BPF_PERF_ARRAY`; kernel 4.3): user space opens a counting perf event on each CPU and stores it
 * at the CPU's index (bcc's `open_perf_event(type, config)`); programs read it with
 * bpf_perf_event_read(_value). The kernel lets a program read only an event of the CPU it runs on
 * (or of the current task), not inherited: so one event per CPU, `pid` -1 (or one task).
 *
 * The map holds its own reference to each event, and drops it only when the slot is emptied or
 * the map is freed: `close()` empties the slots it filled before closing the descriptors.
 */
import type { MapSpec } from "@tsbpf/object";
import { BpfError, NotSupportedError } from "../errors.js";
import { eventOf, onlineCpus, type PerfEventAttachOptions } from "../links/perf-event.js";
import { littleEndian } from "../sys/attr.js";
import { mapDelete, mapUpdate } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import type { Fd } from "../sys/fd.js";
import { PERF_FORMAT_TIMES, perfEventEnable, perfEventOpen, perfEventReadCounter, PerfType, type PerfCounterReading } from "../sys/perf.js";
import { BpfMap } from "./map.js";

export type { PerfCounterReading } from "../sys/perf.js";

/** What to count: a software or hardware event by name (`"cpu-clock"`, `"cpu-cycles"`), or any perf_event_attr `{ type, config }`. */
export type PerfCounterEvent = PerfEventAttachOptions["event"];

export interface PerfCounterOpenOptions {
  /** CPUs to open a counter on (default: every online CPU below the map's size). */
  cpus?: readonly number[];
  /** Count only this process (default -1: everything on the CPU). */
  pid?: number;
}

/** The counters one `open()` put in the map: read them from user space, close them to empty the slots. */
export class PerfCounters implements Disposable {
  readonly #map: PerfCounterArrayHandle;
  readonly #events: Map<number, Fd>;
  /** The event, as named to `open()`. */
  readonly name: string;

  /** @internal */
  constructor(map: PerfCounterArrayHandle, name: string, events: Map<number, Fd>) {
    this.#map = map;
    this.name = name;
    this.#events = events;
  }

  /** The CPUs (map indexes) that hold one of these counters. */
  get cpus(): number[] {
    return [...this.#events.keys()];
  }

  /** CPU `cpu`'s counter as user space reads it (read(2)): the value and its enabled and running nanoseconds. */
  read(cpu: number): PerfCounterReading {
    const fd = this.#events.get(cpu);
    if (!fd) throw new RangeError(`no ${this.name} counter on CPU ${cpu} in ${this.#map.name} (CPUs ${this.cpus.join(", ")})`);
    return perfEventReadCounter(fd);
  }

  /** Empties the slots and closes the events. Idempotent; the map's close() does it too. */
  close(): void {
    for (const [cpu, fd] of this.#events) {
      if (!this.#map.closed) this.#map.clear(cpu);
      fd.close();
    }
    this.#events.clear();
    this.#map.forget(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

export class PerfCounterArrayHandle extends BpfMap {
  /** The counters open() gave that are still open: closed with the map. */
  readonly #open = new Set<PerfCounters>();

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">) {
    super(fd, spec);
  }

  /**
   * Opens `event` as a counting perf event on each CPU and stores it at the CPU's index, enabled
   * (bcc's `open_perf_event`). A hardware event on a machine without a PMU is a NotSupportedError.
   * Opening again replaces the slots' events (close the older counters too). Kernel 4.3.
   */
  open(event: PerfCounterEvent, options: PerfCounterOpenOptions = {}): PerfCounters {
    const { type, config, name } = eventOf(event);
    const cpus = options.cpus ?? onlineCpus().filter((cpu) => cpu < this.maxEntries);
    const events = new Map<number, Fd>();
    const counters = new PerfCounters(this, name, events);
    this.#open.add(counters);
    try {
      for (const cpu of cpus) {
        if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.maxEntries) {
          throw new RangeError(`CPU ${cpu} has no slot in ${this.name} (indexes 0 to ${this.maxEntries - 1})`);
        }
        const fd = this.#openOn(type, config, name, cpu, options.pid ?? -1);
        events.set(cpu, fd);
        const key = new Uint8Array(4);
        const value = new Uint8Array(4);
        new DataView(key.buffer).setUint32(0, cpu, littleEndian);
        new DataView(value.buffer).setUint32(0, fd.raw, littleEndian);
        mapUpdate(this.fd, key, value);
        perfEventEnable(fd);
      }
    } catch (error) {
      counters.close();
      throw error;
    }
    return counters;
  }

  #openOn(type: number, config: number | bigint, name: string, cpu: number, pid: number): Fd {
    try {
      return perfEventOpen({ type, config, readFormat: PERF_FORMAT_TIMES, disabled: true, pid, cpu, label: `counter ${name} cpu ${cpu} of ${this.name}` });
    } catch (error) {
      if (error instanceof BpfError && (error.errno === Errno.ENOENT || error.errno === 95 /* EOPNOTSUPP */) && type === PerfType.HARDWARE) {
        throw new NotSupportedError(`counter ${name} in ${this.name}`, "the machine has no hardware PMU for this event (a virtual machine without PMU passthrough)", {
          errno: error.errno,
          syscall: "perf_event_open",
          remedy: 'count a software event ("cpu-clock", "task-clock", "context-switches") instead',
        });
      }
      throw error;
    }
  }

  /** @internal A PerfCounters closed by its owner. */
  forget(counters: PerfCounters): void {
    this.#open.delete(counters);
  }

  /** Closes the counters still open, then the map. Idempotent. */
  override close(): void {
    for (const counters of [...this.#open]) counters.close();
    super.close();
  }

  /** @internal Empties slot `cpu` (the map drops its reference to the event). */
  clear(cpu: number): void {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, cpu, littleEndian);
    mapDelete(this.fd, key);
  }
}
