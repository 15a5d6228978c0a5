/**
 * The TypeScript compiler API the compiler itself runs on (`@tsbpf/compiler/typescript`): tsbpf's
 * editor support uses this one copy rather than installing another.
 */
export { ts } from "ts-morph";
