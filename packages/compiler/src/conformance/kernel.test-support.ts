/**
 * The kernel side of the conformance harness for tests and scripts/fuzz.mjs: objects loaded with
 * the runtime's loadObject, programs run through BPF_PROG_TEST_RUN (syscall programs: 5.14).
 */
import { loadObject } from "@tsbpf/runtime";
import type { KernelLoader } from "./harness.js";

export const loadInKernel: KernelLoader = async (elf) => {
  const object = await loadObject(elf);
  return {
    run(name, ctx) {
      const program = object.programs.get(name);
      if (!program) throw new Error(`no program ${name} in the object`);
      const out = program.testRun({ ctx });
      return { retval: out.retval, ctx: out.ctxOut as Uint8Array };
    },
    close: () => object.close(),
  };
};
