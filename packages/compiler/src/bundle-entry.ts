/**
 * The entry of the compiler's published form, dist/compiler.cjs: the whole compiler with
 * ts-morph and TypeScript in one CommonJS file (scripts/bundle-compiler.mjs). One file loads
 * faster than two hundred modules, keeps one copy of TypeScript in an install, and is what a V8
 * start-up snapshot can be built from (snapshot/entry.ts: Node's snapshot builder loads a single
 * script).
 */
export * from "./index.js";
export { ts } from "ts-morph";
export { compileRequest, type SnapshotRequest, type SnapshotResponse } from "./snapshot/entry.js";
