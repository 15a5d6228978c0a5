/**
 * Where a pointer to a kernel struct comes from decides how its members are read.
 *
 * The verifier knows the BTF type of some pointers (PTR_TO_BTF_ID): the arguments of tp_btf,
 * fentry and fexit programs, the task `bpf_get_current_task_btf` returns, the pointer members
 * of an iterator's context, and every pointer member loaded through one of these. Their members
 * are read with a plain load carrying a CO-RE FIELD_BYTE_OFFSET relocation (what clang emits for
 * `task->pid` in a tp_btf program); the verifier checks the access against the kernel's BTF and
 * turns it into a fault-safe load (BPF_PROBE_MEM). A program's context of a kernel struct type
 * (`ctx: trace_event_raw_sched_process_exec`, `ctx: bpf_iter__task`) is read the same way, as
 * context accesses.
 *
 * Any other pointer (read from a map, a struct on the stack, through `bpf_probe_read_kernel`, a
 * subprogram's parameter, a `let` local that may be reassigned) is a number to the verifier, and
 * its members are read with `bpf_probe_read_kernel` (core/lower-access.ts).
 *
 * The origin is attached to the pointer's type object (a copy of the declared `Ptr<T>`), so that
 * it follows the value through `const` locals and member chains and is lost on any other path.
 */
import { ptrTo, type PtrType, type StructType, type Type } from "../checker/types.js";

export interface DirectAccess {
  /**
   * The pointer may be null (a pointer member loaded from kernel memory, an iterator's `task`):
   * a member read through it is guarded by a null check (the verifier rejects a load through a
   * PTR_TO_BTF_ID_OR_NULL), and gives 0 for a null pointer, as `bpf_probe_read_kernel` would.
   */
  nullable: boolean;
  /** What a pointer member read through it is: BTF-typed again, or (a tracepoint record's) a plain number. */
  members: "btf" | "plain";
}

const origins = new WeakMap<PtrType, DirectAccess>();

/** A pointer to `pointee` whose members are read directly. */
export function directPointer(pointee: Type, access: DirectAccess): PtrType {
  const type = ptrTo(pointee);
  origins.set(type, access);
  return type;
}

/** How members are read through a pointer of this type (undefined: through bpf_probe_read_kernel). */
export function directAccess(type: Type): DirectAccess | undefined {
  return type.tag === "ptr" ? origins.get(type) : undefined;
}

function isKernelStruct(type: Type): type is StructType {
  return type.tag === "struct" && type.kernel !== undefined;
}

/** A BTF-typed pointer (a tp_btf/fentry argument, a task from bpf_get_current_task_btf) when `type` points to a kernel struct. */
export function btfTyped(type: Type, nullable = false): Type {
  if (type.tag !== "ptr" || !isKernelStruct(type.pointee)) return type;
  return directPointer(type.pointee, { nullable, members: "btf" });
}

/**
 * The type of the context pointer: a context of a kernel struct type is read directly with
 * relocated offsets. Pointer members of an iterator's context are BTF-typed (and may be null);
 * a tracepoint record's are plain addresses.
 */
export function contextPointer(context: StructType, section: string): PtrType {
  if (!isKernelStruct(context)) return ptrTo(context);
  return directPointer(context, { nullable: false, members: section.startsWith("iter") ? "btf" : "plain" });
}

/** The type a member read directly through a pointer with `access` has. */
export function loadedMemberType(type: Type, access: DirectAccess): Type {
  return access.members === "btf" ? btfTyped(type, true) : type;
}

/**
 * The type a `const` local takes from its initialiser: a direct-access pointer keeps its origin
 * (a `let` may be reassigned from anywhere, so it does not).
 */
export function localPointerType(declared: Type, value: { type: Type } | undefined, constant: boolean): Type {
  if (declared.tag !== "ptr") return declared;
  if (!constant) return directAccess(declared) ? ptrTo(declared.pointee) : declared;
  if (!value || value.type.tag !== "ptr") return declared;
  return directAccess(value.type) && value.type.pointee === declared.pointee ? value.type : declared;
}

/**
 * The type of `c ? a : b` for pointer arms (a null arm is `undefined`): direct only when both arms
 * are, possibly null when either may be, so the merged value is never loaded through unchecked.
 */
export function mergedPointerType(a: PtrType, b: PtrType | undefined): PtrType {
  const left = directAccess(a);
  const right = b === undefined ? { nullable: true, members: left?.members ?? "plain" } : directAccess(b);
  if (!left || !right || left.members !== right.members) return ptrTo(a.pointee);
  return directPointer(a.pointee, { nullable: left.nullable || right.nullable, members: left.members });
}

/**
 * Program types whose helpers include `bpf_get_current_task_btf` (kernel 5.11,
 * bpf_tracing_func_proto): there `bpf.getCurrentTask()` is a BTF-typed, trusted pointer.
 */
const TASK_BTF_SECTIONS = /^(tracepoint|tp|raw_tp|raw_tracepoint|tp_btf|fentry|fexit|fmod_ret|lsm|iter|kprobe|kretprobe|kprobe\.multi|kretprobe\.multi|uprobe|uretprobe|usdt|perf_event)(\/|$)/;

export const GET_CURRENT_TASK = 35;
export const GET_CURRENT_TASK_BTF = 158;

export function hasTaskBtf(section: string): boolean {
  return TASK_BTF_SECTIONS.test(section);
}
