/**
 * Progress of `tsbpf run` on stderr while it compiles, loads and attaches (2–7 s on a cold cache):
 * on a terminal one status line rewritten in place at each step and replaced by the final line; on
 * a pipe or file plain lines, one per step; with --json nothing (a JSON consumer reads the
 * "attached" record on stdout instead). Compiling blocks the event loop, so an animated spinner
 * would freeze exactly when it matters: each step is drawn at once instead.
 */
import { colorsFor } from "./colors.js";

export interface Progress {
  /** A step begins ("compiling hello.bpf.ts"). */
  step(text: string): void;
  /** All steps done: the line that stays. */
  done(text: string): void;
  /** A note that stays (e.g. a program left unattached). */
  note(text: string): void;
  /** Clears the status line without a final line (an error follows). */
  fail(): void;
}

/** Erase the current line and return to its start (ECMA-48 EL and CR). */
const ERASE_LINE = "\r\x1b[2K";

export function progressOn(stream: NodeJS.WritableStream, mode: "auto" | "quiet"): Progress {
  if (mode === "quiet") return { step() {}, done() {}, note() {}, fail() {} };
  const c = colorsFor(stream);
  if ((stream as NodeJS.WriteStream).isTTY !== true) {
    return {
      step: (text) => stream.write(`tsbpf: ${text}...\n`),
      done: (text) => stream.write(`tsbpf: ${text}\n`),
      note: (text) => stream.write(`tsbpf: ${text}\n`),
      fail() {},
    };
  }
  let shown = false;
  const clear = () => {
    if (shown) stream.write(ERASE_LINE);
    shown = false;
  };
  return {
    step(text) {
      // A terminal that reports no size (0 columns, as under script(1)) is taken as 80 wide.
      const columns = (stream as NodeJS.WriteStream).columns || 80;
      // One line only: a wrapped status line could not be erased with one EL.
      stream.write(`${ERASE_LINE}${c.cyan("…")} ${c.dim(`${text}...`.slice(0, Math.max(10, columns - 3)))}`);
      shown = true;
    },
    done(text) {
      clear();
      stream.write(`${c.green("✔")} ${text}\n`);
    },
    note(text) {
      clear();
      stream.write(`${c.yellow("!")} ${text}\n`);
    },
    fail: clear,
  };
}
