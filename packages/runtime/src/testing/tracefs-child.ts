// Test-only child of errors.kernel.test.ts: started as root with CAP_BPF, CAP_PERFMON and
// CAP_SETUID only (securebits keep them across setuid), it loads everything it needs from the
// checkout first, then becomes uid 65534 and attaches a tracepoint: tracefs (mode 0700, root's)
// refuses it. Prints what attaching failed with, as JSON.
import { loadObject } from "../load/load-object.js";
import { PermissionError } from "../errors.js";
import { counterObject } from "./programs.js";

const spec = counterObject("tracepoint/syscalls/sys_enter_getppid");
// Loaded before the setuid too: loading imports modules of the checkout lazily, which a checkout
// private to its owner (mode 0700) would refuse to uid 65534.
const loaded = await loadObject(spec).catch((error: unknown) => error as Error);
process.setuid!(65534);
try {
  if (loaded instanceof Error) throw loaded;
  const object = loaded;
  try {
    object.attach();
    console.log(JSON.stringify({ attached: true }));
  } finally {
    object.close();
  }
} catch (error) {
  const e = error as Error;
  console.log(JSON.stringify({ name: e.name, message: e.message, uid: process.getuid?.(), capability: error instanceof PermissionError ? error.capability : undefined }));
}
