/**
 * `@tsbpf/compiler/vmlinux`: the kernel-declarations generator on its own, without the compiler
 * (and so without TypeScript, whose loading would cost `tsbpf gen vmlinux` a second or more).
 */
export { generateVmlinux, type GenerateOptions } from "./generate.js";
export { enumValuesModule } from "./enum-values.js";
