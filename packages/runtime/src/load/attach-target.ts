/**
 * The vmlinux BTF id a tracing program is loaded against (attach_btf_id), found the way libbpf
 * finds it: fentry/fexit/fmod_ret name a kernel function, tp_btf a `btf_trace_<name>` typedef,
 * LSM programs `bpf_lsm_<hook>`, iterators `bpf_iter_<name>`.
 */
import { NotSupportedError, ObjectError } from "../errors.js";
import { vmlinuxTypeId } from "../btf/vmlinux.js";
import type { ProgramKind } from "./sections.js";
import { AttachType } from "./types.js";

export function attachBtfId(section: string, kind: ProgramKind): number {
  if (!kind.target) throw new ObjectError("this program type needs a target after the slash (e.g. fentry/do_unlinkat)", { section });
  let lookup: ["func" | "typedef", string];
  switch (kind.expectedAttachType) {
    case AttachType.TRACE_RAW_TP:
      lookup = ["typedef", `btf_trace_${kind.target}`];
      break;
    case AttachType.LSM_MAC:
    case AttachType.LSM_CGROUP:
      lookup = ["func", `bpf_lsm_${kind.target}`];
      break;
    case AttachType.TRACE_ITER:
      lookup = ["func", `bpf_iter_${kind.target}`];
      break;
    default:
      lookup = ["func", kind.target];
  }
  const id = vmlinuxTypeId(lookup[0], lookup[1]);
  if (id === undefined) {
    throw new NotSupportedError(`${section}`, `the running kernel has no ${lookup[0]} ${lookup[1]} in its BTF (a kernel module target, or a hook this kernel lacks)`);
  }
  return id;
}
