/**
 * Addresses to symbols, for stack trace maps: the implementation lives in ../symbols/ (kernel
 * symbols from /proc/kallsyms, user symbols from a process's mappings and ELF symbol tables, C++
 * and Rust names demangled); this module keeps the names the handles and the index import.
 */
export { symbolizeKernel, symbolizeUser, formatFrame, type Frame } from "../symbols/index.js";
