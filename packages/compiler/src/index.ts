/**
 * @tsbpf/compiler: TypeScript probe classes to BPF ELF objects with BTF, without clang or LLVM.
 *
 * @module @tsbpf/compiler
 */
export { compileFile, compileSource, type CompileOptions, type CompiledProbe, type CompileResult } from "./compile.js";
export { checkFile, checkSource, type CheckResult } from "./check.js";
export type { Diagnostic } from "./diagnostics/diagnostic.js";
export { formatDiagnostic } from "./diagnostics/format.js";
export { Codes } from "./diagnostics/codes.js";
export { generateVmlinux, type GenerateOptions } from "./vmlinux/generate.js";
export { enumValuesModule } from "./vmlinux/enum-values.js";
