/**
 * What a freplace (BPF_PROG_TYPE_EXT) program is loaded against: another loaded program
 * (attach_prog_fd) and the BTF id of the global function of it that it replaces, found in that
 * program's BTF as the kernel holds it (BPF_OBJ_GET_INFO_BY_FD → btf_id → BPF_BTF_GET_FD_BY_ID →
 * the raw BTF), so that the target may come from anywhere: this object, another, a clang build.
 */
import { decodeBtf } from "@tsbpf/object";
import { NotSupportedError, ObjectError } from "../errors.js";
import { Attr, littleEndian } from "../sys/attr.js";
import { getFdById, objGetInfo } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";

/** bpf_prog_info.btf_id's offset. */
const PROG_INFO_BTF_ID = 128;

function asFd(target: Fd | number): Fd {
  return typeof target === "number" ? new Fd(target, `freplace target fd ${target}`) : target;
}

/** The raw BTF of the loaded program `target`; undefined when it was loaded without BTF. */
function programBtf(target: Fd): Uint8Array | undefined {
  const info = new Uint8Array(232);
  objGetInfo(target, info);
  const btfId = new DataView(info.buffer).getUint32(PROG_INFO_BTF_ID, littleEndian);
  if (btfId === 0) return undefined;
  const btf = getFdById("btf", btfId);
  try {
    // struct bpf_btf_info: btf (a pointer), btf_size, id, ...: once for the size, once for the bytes.
    const head = new Uint8Array(32);
    objGetInfo(btf, head);
    const bytes = new Uint8Array(new DataView(head.buffer).getUint32(8, littleEndian));
    const info = new Attr(32).pointer(0, bytes).u32(8, bytes.byteLength);
    objGetInfo(btf, info.bytes);
    return bytes;
  } finally {
    btf.close();
  }
}

/** The attach_prog_fd and attach_btf_id of a freplace program replacing `func` in `target`. Kernel 5.6. */
export function freplaceTarget(section: string, func: string, target: Fd | number | undefined): { progFd: number; btfId: number } {
  if (!func) throw new ObjectError("a freplace section names the function it replaces (freplace/<function>)", { section });
  if (target === undefined) {
    throw new NotSupportedError(`loading ${section}`, "a freplace program is loaded against the program whose function it replaces", { remedy: "pass { freplaceTarget: <that program's fd> } to load()" });
  }
  const fd = asFd(target);
  const raw = programBtf(fd);
  if (!raw) throw new ObjectError(`the program freplace would patch has no BTF, so no global function ${func} to replace`, { section });
  const btf = decodeBtf(raw);
  const index = btf.types.findIndex((t) => t.kind === "func" && t.name === func);
  if (index < 0) throw new ObjectError(`the target program has no function ${func} in its BTF (freplace replaces a global, non-inlined function)`, { section });
  return { progFd: fd.raw, btfId: index + 1 };
}
