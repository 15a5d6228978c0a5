/**
 * What a kernel subsystem accepts in a struct_ops value, beyond what BTF says. BTF gives the
 * struct's members and which are function pointers (the `@ptr` members of `tsbpf/vmlinux`), and
 * the kernel's BTF names every struct_ops type by its `bpf_struct_ops_<type>` wrapper; what a
 * value must hold is decided by kernel code that BTF does not describe:
 * - the verifier refuses a program for a member without a stub in the subsystem's `cfi_stubs`
 *   ("attach to unsupported member", 6.9+), or one its `check_member` refuses;
 * - at the map update (`bpf_struct_ops_map_update_elem`), the subsystem's `init_member` takes
 *   some data members (and may refuse the value: EINVAL, or EOPNOTSUPP for every member), and
 *   every other data member must be zero (EINVAL);
 * - at registration, the subsystem's `validate`/`reg` checks the required members (EINVAL).
 * Facts from the kernel sources (Linux 6.18), each checked against the running kernel by
 * frontend/struct-ops-rules.kernel.test.ts. A type missing here gets the generic checks only
 * (members exist, programs only on function pointers).
 */
export interface StructOpsRules {
  /** Members the value must set: each group is satisfied by any one of its members (a program, or a non-zero data value). */
  required: readonly (readonly string[])[];
  /** Function members no program may implement, with the kernel's reason. */
  unsupported: Readonly<Record<string, string>>;
  /** Data members the subsystem's init_member reads; any other data member must be zero. */
  dataMembers: readonly string[];
  /** Set when the kernel registers no value of this type at all: why, and what to do instead. */
  neverRegistered?: string;
}

export const STRUCT_OPS_RULES: Readonly<Record<string, StructOpsRules>> = {
  // net/ipv4/bpf_tcp_ca.c (5.6): init_member takes flags and name (a non-empty name, else
  // EINVAL); tcp_validate_congestion_control wants ssthresh, undo_cwnd and cong_avoid or
  // cong_control; get_info has no cfi stub.
  tcp_congestion_ops: {
    required: [["name"], ["ssthresh"], ["undo_cwnd"], ["cong_avoid", "cong_control"]],
    unsupported: { get_info: "tcp_congestion_ops has no BPF stub for get_info: the verifier refuses a program for it" },
    dataMembers: ["name", "flags"],
  },
  // net/bpf/bpf_dummy_struct_ops.c (5.16): a test vehicle. init_member returns EOPNOTSUPP for
  // every member, so no value is ever registered; its programs run through BPF_PROG_TEST_RUN.
  bpf_dummy_ops: {
    required: [],
    unsupported: {},
    dataMembers: [],
    neverRegistered: "the kernel registers no bpf_dummy_ops value (its init_member refuses every member with EOPNOTSUPP): attach() fails; run its programs with testRun()",
  },
};

/** A group of required members as text: "a" or "a (or b)". */
function describe([first, ...others]: readonly string[]): string {
  return others.length ? `${first} (or ${others.join(", ")})` : first!;
}

/** The required members of `struct` that `set` (members with a program or a non-zero value) lacks. */
export function missingRequired(struct: string, set: ReadonlySet<string>): string[] {
  return (STRUCT_OPS_RULES[struct]?.required ?? []).filter((anyOf) => !anyOf.some((m) => set.has(m))).map(describe);
}
