/**
 * bpf_printk lines printed while a test acts: a private tracefs instance per reader (tracePipe),
 * so lines printed by other tests or before the reader opened never reach it.
 */
import { tracePipe } from "tsbpf";

/** A parsed trace line, as tracePipe() yields it. */
type TraceLine = ReturnType<typeof tracePipe> extends AsyncIterable<infer L> ? L : never;

/** Reads trace lines, runs `act` once the reader is open, and keeps reading `settleMs` after it. */
export async function printkWhile(act: () => Promise<unknown> | unknown, settleMs = 300): Promise<TraceLine[]> {
  const stop = new AbortController();
  const lines: TraceLine[] = [];
  const reading = (async () => {
    try {
      for await (const line of tracePipe({ signal: stop.signal })) lines.push(line);
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  })();
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await act();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    stop.abort();
    await reading;
  }
  return lines;
}
