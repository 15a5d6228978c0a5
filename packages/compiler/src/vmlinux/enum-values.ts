/**
 * The run-time half of generated kernel declarations: every kernel enum of a vmlinux.d.ts (an
 * `export declare namespace <enum> { const <name>: <value>; }` block) as a frozen object, so that
 * `import { pid_type } from "tsbpf/vmlinux"` (needed by `bpf.core.enumValue(pid_type.PIDTYPE_MAX)`)
 * also works when user space imports the probe file. Derived from the declarations themselves, so
 * that the two cannot disagree.
 */
const BLOCK = /^export declare namespace ([A-Za-z_$][\w$]*) \{\n((?: {2}const [A-Za-z_$][\w$]*: -?\d+n?;\n)*)\}$/gm;
const MEMBER = / {2}const ([A-Za-z_$][\w$]*): (-?\d+n?);/g;

/** An ES module exporting each enum of `declarations` (the text of a vmlinux.d.ts). */
export function enumValuesModule(declarations: string, header: string): string {
  const out = [header, ""];
  for (const block of declarations.matchAll(BLOCK)) {
    const members = [...block[2]!.matchAll(MEMBER)].map((m) => `${m[1]}: ${m[2]}`);
    out.push(`export const ${block[1]} = Object.freeze({ ${members.join(", ")} });`);
  }
  return out.join("\n") + "\n";
}
