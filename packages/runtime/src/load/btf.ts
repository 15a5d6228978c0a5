/**
 * Loading the object's BTF into the kernel (BPF_BTF_LOAD, kernel 4.18). The string table also
 * receives every program's line_info file names and source lines, whose offsets the line_info
 * records then carry.
 */
import { assembleBtf, encodeBtfTypes, newStringTable, type BtfStringTable, type ObjectSpec } from "@tsbpf/object";
import { BpfError, ObjectError, PermissionError } from "../errors.js";
import { btfLoadRaw } from "../sys/bpf.js";
import { btfKernelSupport } from "../features.js";
import { sanitizeBtf } from "./sanitize-btf.js";
import { missingCapability } from "../sys/capabilities.js";
import { Errno, errnoName } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";

export interface LoadedBtf {
  fd: Fd;
  /** The string table the loaded BTF holds (line_info offsets come from it). */
  strings: BtfStringTable;
}

const LOG_SIZE = 1 << 20;

/** Loads the object's BTF; undefined when the object has none. */
export function loadObjectBtf(spec: ObjectSpec): LoadedBtf | undefined {
  if (spec.btf.types.length === 0) return undefined;
  if ((spec.btf.firstTypeId ?? 1) !== 1) throw new ObjectError("a split BTF cannot be an object's BTF", { section: ".BTF" });
  const kinds = new Set(spec.btf.types.map((t) => t.kind));
  // Probe only for kinds the object uses: most objects need no probe at all.
  const needsProbe = kinds.has("decl_tag") || kinds.has("type_tag") || kinds.has("float") || kinds.has("enum64");
  const btf = sanitizeBtf(spec.btf, needsProbe ? btfKernelSupport() : undefined);
  const strings = newStringTable(btf);
  let bytes: Uint8Array;
  try {
    const types = encodeBtfTypes(btf, strings);
    for (const program of spec.programs) {
      for (const line of program.lineInfo) {
        strings.add(line.fileName);
        strings.add(line.lineText);
      }
    }
    bytes = assembleBtf(types, strings);
  } catch (cause) {
    throw new ObjectError(`cannot encode the object's BTF: ${(cause as Error).message}`, { section: ".BTF", cause });
  }
  const encoded = { bytes, strings };
  let outcome = btfLoadRaw(encoded.bytes);
  if (outcome.result < 0 && outcome.result !== -Errno.EPERM) {
    // Ask again with a log to say why.
    outcome = btfLoadRaw(encoded.bytes, 1, LOG_SIZE);
  }
  if (outcome.result < 0) {
    const errno = -outcome.result;
    if (errno === Errno.EPERM) {
      const missing = missingCapability("CAP_BPF");
      if (missing) throw new PermissionError("loading BTF (BPF_BTF_LOAD)", missing, { errno, syscall: "BPF_BTF_LOAD" });
    }
    const log = outcome.log.trim();
    throw new ObjectError(`the kernel rejected the object's BTF (${errnoName(errno)})${log ? `:\n${log.split("\n").slice(-6).join("\n")}` : ""}`, {
      section: ".BTF",
      cause: new BpfError(log || "BPF_BTF_LOAD failed", { errno, syscall: "BPF_BTF_LOAD" }),
    });
  }
  return { fd: new Fd(outcome.result, "object BTF"), strings: encoded.strings };
}
