// Test-only child of errors.kernel.test.ts, run without privileges: prints what loading a
// program fails with, as JSON.
import { loadObject } from "../load/load-object.js";
import { PermissionError } from "../errors.js";
import { counterObject } from "./programs.js";

try {
  await loadObject(counterObject("tracepoint/syscalls/sys_enter_getppid"));
  console.log(JSON.stringify({ loaded: true }));
} catch (error) {
  const e = error as Error;
  console.log(JSON.stringify({ name: e.name, message: e.message, capability: error instanceof PermissionError ? error.capability : undefined }));
}
