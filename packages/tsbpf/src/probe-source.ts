/**
 * Which TypeScript file to compile for a probe class: the one the caller names
 * (`load(Class, { source })`), else the one its decorators recorded (dsl/defining-file.ts). A
 * recorded JavaScript file (tsc's output, a bundle) leads to its TypeScript source through its
 * source map when the map names exactly one; otherwise the error says how to go on.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { probeSourceOf, type Probe } from "./dsl/probe.js";

type AnyProbeClass = abstract new () => Probe;

/** A path from a path or a file URL (string or URL object). */
export function pathFrom(source: string | URL): string {
  if (source instanceof URL || source.startsWith("file:")) return fileURLToPath(source);
  return resolve(source);
}

/** The map's single TypeScript source, if a JavaScript file has a source map that names one. */
function sourceFromMap(jsFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(jsFile, "utf8");
  } catch {
    return undefined;
  }
  const comment = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(text.trimEnd());
  if (!comment) return undefined;
  const url = comment[1]!;
  let map: { sources?: string[]; sourceRoot?: string };
  let base = dirname(jsFile);
  try {
    if (url.startsWith("data:")) {
      const data = url.slice(url.indexOf(",") + 1);
      map = JSON.parse(url.includes(";base64,") ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data)) as typeof map;
    } else {
      const mapFile = url.startsWith("file:") ? fileURLToPath(url) : resolve(base, decodeURIComponent(url));
      map = JSON.parse(readFileSync(mapFile, "utf8")) as typeof map;
      base = dirname(mapFile);
    }
  } catch {
    return undefined;
  }
  const root = map.sourceRoot ?? "";
  const sources = (map.sources ?? [])
    .map((s) => (s.startsWith("file:") ? fileURLToPath(s) : resolve(base, root, s)))
    .filter((s) => /\.[cm]?tsx?$/.test(s) && !s.endsWith(".d.ts") && existsSync(s));
  return sources.length === 1 ? sources[0] : undefined;
}

/** The TypeScript file that defines `probeClass`, or an error saying how to name it. */
export function probeSourceFile(probeClass: AnyProbeClass, explicit?: string | URL): string {
  if (explicit !== undefined) return pathFrom(explicit);
  const recorded = probeSourceOf(probeClass);
  if (!recorded) {
    throw new Error(
      `tsbpf: cannot find the source of ${probeClass.name}: its decorators did not record a file. ` +
        `Decorate at least one method with a hook (e.g. @tracepoint), or name the file: ` +
        `load(${probeClass.name}, { source: new URL("./probe.bpf.ts", import.meta.url) }). ` +
        `In bundled code: this bundle holds no compiled object for the probe class being loaded; ` +
        `@tsbpf/unplugin embeds one for each probe module it compiles (files named *.bpf.ts, or matching its \`include\` option).`,
    );
  }
  if (!/\.[cm]?jsx?$/.test(recorded) || !isAbsolute(recorded)) return recorded;
  const mapped = sourceFromMap(recorded);
  if (mapped) return mapped;
  throw new Error(
    `tsbpf: ${probeClass.name} was defined in ${recorded}, a JavaScript file (a build output or a bundle) ` +
      `with no single TypeScript source in a source map, and no compiled object was embedded for it. ` +
      `Bundle with the bundler plugin (@tsbpf/unplugin), which compiles the probe and embeds its object, ` +
      `or name the TypeScript file: load(${probeClass.name}, { source: "<path or file URL of the .bpf.ts>" }).`,
  );
}
