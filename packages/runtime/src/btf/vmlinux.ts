/**
 * Type ids in the running kernel's BTF (/sys/kernel/btf/vmlinux), which fentry/fexit, tp_btf,
 * LSM and iterator programs name as their attach target at load time, and kfuncs and ksyms are
 * resolved to. A lookup finds the name in the string section, then walks only the type headers
 * for that offset: no decode of vmlinux's ~100k types is needed.
 */
import { NotSupportedError } from "../errors.js";
import { readFile } from "../sys/files.js";
import { BtfKind } from "@tsbpf/object";

const VMLINUX = "/sys/kernel/btf/vmlinux";

interface Raw {
  view: DataView;
  typeStart: number;
  typeEnd: number;
  strStart: number;
  bytes: Uint8Array;
}

let raw: Raw | undefined;
const found = new Map<string, number | undefined>();

function load(): Raw {
  if (raw) return raw;
  const bytes = readFile(VMLINUX);
  if (!bytes || bytes.length < 24) {
    throw new NotSupportedError("kernel BTF", `${VMLINUX} is missing`, { remedy: "use a kernel built with CONFIG_DEBUG_INFO_BTF=y" });
  }
  const view = new DataView(bytes.buffer);
  const le = view.getUint16(0, true) === 0xeb9f;
  if (!le) throw new NotSupportedError("kernel BTF", `${VMLINUX} is not little-endian BTF`);
  const hdrLen = view.getUint32(4, true);
  const typeStart = hdrLen + view.getUint32(8, true);
  const typeEnd = typeStart + view.getUint32(12, true);
  const strStart = hdrLen + view.getUint32(16, true);
  raw = { view, typeStart, typeEnd, strStart, bytes };
  return raw;
}

function extraBytes(kind: number, vlen: number): number {
  switch (kind) {
    case BtfKind.INT:
    case BtfKind.VAR:
    case BtfKind.DECL_TAG:
      return 4;
    case BtfKind.ARRAY:
      return 12;
    case BtfKind.STRUCT:
    case BtfKind.UNION:
    case BtfKind.DATASEC:
    case BtfKind.ENUM64:
      return 12 * vlen;
    case BtfKind.ENUM:
    case BtfKind.FUNC_PROTO:
      return 8 * vlen;
    default:
      return 0;
  }
}

/** The string section offset of `name`, found as the bytes "\0name\0" (vmlinux strings are unique). */
function stringOffset(r: Raw, name: string): number | undefined {
  const needle = Buffer.from(`\0${name}\0`);
  const haystack = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  const at = haystack.indexOf(needle, r.strStart);
  return at < 0 ? undefined : at + 1 - r.strStart;
}

/** The first type of `kind` whose name is at string offset `nameOff`. */
function findType(r: Raw, kind: number, nameOff: number): number | undefined {
  let id = 1;
  for (let at = r.typeStart; at < r.typeEnd; id++) {
    const info = r.view.getUint32(at + 4, true);
    const k = (info >>> 24) & 0x1f;
    if (k === kind && r.view.getUint32(at, true) === nameOff) return id;
    at += 12 + extraBytes(k, info & 0xffff);
  }
  return undefined;
}

const kinds = { func: BtfKind.FUNC, typedef: BtfKind.TYPEDEF, struct: BtfKind.STRUCT, var: BtfKind.VAR } as const;

/** The id of the vmlinux type of `kind` named `name`, or undefined. */
export function vmlinuxTypeId(kind: keyof typeof kinds, name: string): number | undefined {
  const key = `${kind}:${name}`;
  if (found.has(key)) return found.get(key);
  const r = load();
  const offset = stringOffset(r, name);
  const id = offset === undefined ? undefined : findType(r, kinds[kind], offset);
  found.set(key, id);
  return id;
}
