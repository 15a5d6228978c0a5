/**
 * Colour for what tsbpf writes to a stream, through picocolors: on only when the stream is a
 * terminal and neither NO_COLOR (https://no-color.org) nor TERM=dumb says otherwise; FORCE_COLOR
 * turns it on anywhere. Decided per stream, since stdout may be piped while stderr is a terminal.
 */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Colors {
  return pc.createColors(useColor(stream, env));
}

export function useColor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if ("NO_COLOR" in env && env.NO_COLOR !== "") return false;
  if ("FORCE_COLOR" in env && env.FORCE_COLOR !== "0") return true;
  return (stream as NodeJS.WriteStream).isTTY === true && env.TERM !== "dumb";
}
