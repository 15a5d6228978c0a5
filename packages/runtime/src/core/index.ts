/** CO-RE relocation in user space, by libbpf's rules (see relocate.ts). */
export { applyCoreRelocations, type CoreRelocationReport, type PoisonedRelocation } from "./relocate.js";
export { CoreTargets, type TargetBtf, type Candidate } from "./candidates.js";
export { kernelCoreTargets, customCoreTargets } from "./kernel-btf.js";
export { CoreRelocationError, explainPoison } from "./errors.js";
export { CoreReloKind, POISON_HELPER, reloKindName } from "./kinds.js";
