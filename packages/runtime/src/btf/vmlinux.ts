/**
 * Type ids in the running kernel's BTF (/sys/kernel/btf/vmlinux), which fentry/fexit, tp_btf,
 * LSM and iterator programs name as their attach target at load time. Only the type headers are
 * walked, and names are indexed per kind on first use: a full decode of vmlinux is not needed.
 */
import { NotSupportedError } from "../errors.js";
import { door } from "../sys/door.js";
import { O_RDONLY } from "../sys/files.js";
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
const indexes = new Map<number, Map<string, number>>();

function readAll(path: string): Uint8Array | undefined {
  const fd = door().open(path, O_RDONLY);
  if (fd < 0) return undefined;
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(1 << 20);
      const n = door().read(fd, buf);
      if (n <= 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    door().close(fd);
  }
}

function load(): Raw {
  if (raw) return raw;
  const bytes = readAll(VMLINUX);
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

function indexKind(kind: number): Map<string, number> {
  const known = indexes.get(kind);
  if (known) return known;
  const r = load();
  const names = new Map<string, number>();
  const decoder = new TextDecoder();
  let id = 1;
  for (let at = r.typeStart; at < r.typeEnd; id++) {
    const nameOff = r.view.getUint32(at, true);
    const info = r.view.getUint32(at + 4, true);
    const k = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    if (k === kind && nameOff) {
      const start = r.strStart + nameOff;
      const end = r.bytes.indexOf(0, start);
      const name = decoder.decode(r.bytes.subarray(start, end));
      if (!names.has(name)) names.set(name, id);
    }
    at += 12 + extraBytes(k, vlen);
  }
  indexes.set(kind, names);
  return names;
}

const kinds = { func: BtfKind.FUNC, typedef: BtfKind.TYPEDEF, struct: BtfKind.STRUCT, var: BtfKind.VAR } as const;

/** The id of the vmlinux type of `kind` named `name`, or undefined. */
export function vmlinuxTypeId(kind: keyof typeof kinds, name: string): number | undefined {
  return indexKind(kinds[kind]).get(name);
}
