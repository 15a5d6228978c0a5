/**
 * Extern symbols, resolved against the running kernel as libbpf does: kfunc calls get the
 * kernel FUNC's BTF id (src_reg BPF_PSEUDO_KFUNC_CALL, kernel 5.13), typed `__ksym` variables
 * their VAR's BTF id (src_reg BPF_PSEUDO_BTF_ID, 5.10), typeless ones their address from
 * /proc/kallsyms. `__kconfig` values live in the `.kconfig` map (kconfig.ts).
 */
import { CallSrc, PseudoSrc, type Instruction, type ProgramSpec } from "@tsbpf/object";
import { vmlinuxTypeId } from "../btf/vmlinux.js";
import { NotSupportedError, ObjectError } from "../errors.js";
import { readTextFile } from "../sys/files.js";
import { pointAtKconfig, type KconfigMap } from "./kconfig.js";

let kallsyms: Map<string, bigint> | undefined;

function kallsymsAddress(name: string): bigint | undefined {
  if (!kallsyms) {
    kallsyms = new Map();
    for (const line of (readTextFile("/proc/kallsyms") ?? "").split("\n")) {
      const [address, , symbol] = line.split(/\s+/);
      if (address && symbol && !kallsyms.has(symbol)) kallsyms.set(symbol, BigInt(`0x${address}`));
    }
  }
  return kallsyms.get(name);
}

/** Resolves the program's extern references in `insns` (already a copy). */
export function resolveExterns(program: ProgramSpec, insns: Instruction[], kconfig?: KconfigMap): void {
  for (const ref of program.externReferences ?? []) {
    const insn = insns[ref.instruction];
    if (!insn) throw new ObjectError(`extern ${ref.name} refers to instruction ${ref.instruction}, past the end`, { section: program.section });
    if (ref.kind === "call") {
      const id = vmlinuxTypeId("func", ref.name);
      if (id === undefined) {
        throw new NotSupportedError(`kfunc ${ref.name} (program ${program.name})`, "the running kernel has no such kfunc in its BTF", { remedy: "check the kernel version the kfunc needs" });
      }
      insn.src = CallSrc.KFUNC;
      insn.imm = id;
      insn.off = 0; // 0: vmlinux (module kfuncs would need an fd_array slot)
      continue;
    }
    const second = insns[ref.instruction + 1];
    if (!second || insn.code !== 0x18) throw new ObjectError(`extern ${ref.name} is not loaded with ld_imm64`, { section: program.section });
    if (kconfig && pointAtKconfig(kconfig, ref.name, insn, second)) continue;
    if (/^(CONFIG_|LINUX_KERNEL_VERSION$|LINUX_HAS_)/.test(ref.name)) {
      throw new NotSupportedError(`__kconfig extern ${ref.name} (program ${program.name})`, "tsbpf's loader does not provide .kconfig values yet");
    }
    const varId = vmlinuxTypeId("var", ref.name);
    if (varId !== undefined) {
      insn.src = PseudoSrc.BTF_ID;
      insn.imm = varId;
      second.imm = 0;
      continue;
    }
    const address = kallsymsAddress(ref.name);
    if (address === undefined || address === 0n) {
      throw new NotSupportedError(`__ksym ${ref.name} (program ${program.name})`, "the running kernel has no such symbol (or /proc/kallsyms hides addresses)");
    }
    insn.src = 0;
    insn.imm = Number(BigInt.asIntN(32, address & 0xffffffffn));
    second.imm = Number(BigInt.asIntN(32, address >> 32n));
  }
}
