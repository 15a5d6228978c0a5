/** Stack addresses to names: the kernel's (kallsyms) and a process's (its mappings' ELF symbols). */
export { symbolizeKernel, refreshKernelSymbols } from "./kernel.js";
export { symbolizeUser, rememberProcess, forgetProcess } from "./user.js";
export { demangle } from "./demangle.js";
export { formatFrame, foldedName, type Frame } from "./frame.js";
