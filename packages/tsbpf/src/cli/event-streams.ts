/**
 * `tsbpf run`'s event maps: every ring buffer and perf event array streams its records as they
 * come (one line each), and at exit each says what it lost: a ring's failed reservations (the
 * probe's own count of `output`/`reserve` calls that found the ring full), a perf buffer's lost
 * samples (the kernel's PERF_RECORD_LOST) and failed outputs (the probe's count).
 */
import { PerfBufReader, RingBufReader, type BpfObject } from "@tsbpf/runtime";
import { formatValue, toJson } from "./format.js";
import type { SelfFilter } from "./self-filter.js";
import type { StackNames } from "./stacks.js";

/** Events of tsbpf's own process left out; stack ids named. */
export interface EventFilters {
  self?: SelfFilter;
  stacks?: StackNames;
}

type Print = (line: string) => void;

/** Records submitted without a wake-up are picked up this often. */
const POLL_INTERVAL_MS = 100;

/** A promise per event map of `object`, each streaming until `signal` aborts, then draining. */
export function streamEvents(object: BpfObject, json: boolean, print: Print, signal: AbortSignal, filters: EventFilters = {}): Promise<void>[] {
  const streams: Promise<void>[] = [];
  for (const [name, map] of object.maps) {
    if (map instanceof RingBufReader || map instanceof PerfBufReader) streams.push(stream(name, map, json, print, signal, filters));
  }
  return streams;
}

async function stream(name: string, reader: RingBufReader<unknown> | PerfBufReader<unknown>, json: boolean, print: Print, signal: AbortSignal, filters: EventFilters): Promise<void> {
  const show = (raw: unknown) => {
    if (filters.self?.dropEvent(raw)) return;
    // Named as it comes: a user stack's process may be gone by the end of the run.
    const event = filters.stacks ? filters.stacks.named(raw) : raw;
    print(json ? toJson({ kind: "event", map: name, value: event }) : `[${name}] ${formatValue(event)}`);
  };
  try {
    for await (const event of reader.events({ signal, pollIntervalMs: POLL_INTERVAL_MS })) show(event);
    // Stopped: the programs are detached by now (run.ts), so what is left is all there will be.
    if (!reader.closed) reader.consume(show);
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** One line per event map: what it could not deliver. */
export function printEventLosses(object: BpfObject, json: boolean, print: Print): void {
  for (const [name, map] of object.maps) {
    if (map instanceof RingBufReader) {
      const failedReservations = map.failedReservations;
      if (json) print(toJson({ kind: "lost", map: name, failedReservations: failedReservations ?? null }));
      else print(`${name}: ${failedReservations ?? "unknown (no counter in the object)"} failed reservation(s) (ring full)`);
    } else if (map instanceof PerfBufReader) {
      const failedOutputs = map.failedOutputs;
      if (json) print(toJson({ kind: "lost", map: name, lost: map.lost, failedOutputs: failedOutputs ?? null }));
      else print(`${name}: ${map.lost} lost sample(s)${failedOutputs === undefined ? "" : `, ${failedOutputs} failed output(s)`} (ring full)`);
    }
  }
}
