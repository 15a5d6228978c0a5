/**
 * Members a kernel struct_ops type must have implemented before the kernel registers it: what
 * the subsystem's own validation refuses with EINVAL at attach (the map update of the struct_ops
 * value). tcp_congestion_ops: tcp_validate_congestion_control wants ssthresh, undo_cwnd, and
 * cong_avoid or cong_control ("<name> does not implement required ops").
 */
const REQUIRED: Record<string, string[][]> = {
  tcp_congestion_ops: [["ssthresh"], ["undo_cwnd"], ["cong_avoid", "cong_control"]],
};

/** The required members of `struct` that `implemented` lacks, each as "a" or "a (or b)". */
export function missingRequiredOps(struct: string, implemented: ReadonlySet<string>): string[] {
  return (REQUIRED[struct] ?? []).filter((anyOf) => !anyOf.some((m) => implemented.has(m))).map(([first, ...others]) => (others.length ? `${first} (or ${others.join(", ")})` : first!));
}
