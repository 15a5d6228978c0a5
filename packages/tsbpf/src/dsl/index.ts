export * from "./integers.js";
export * from "./memory.js";
export * from "./context.js";
export * from "./helpers.js";
export * from "./maps.js";
export * from "./probe.js";
export { KernelOnlyError } from "./kernel-only.js";
import "./loop.js";
export type { KernelTypes, KernelType } from "./kernel-types.js";
