// Test-only child of lifecycle.kernel.test.ts: attaches a classic tc filter and an XDP link, then
// exits without closing anything. The runtime's exit hook must detach them.
import { loadObject } from "../load/load-object.js";
import { attachTc } from "../links/tc.js";
import { attachXdp } from "../links/xdp.js";
import { counterObject } from "./programs.js";

const [iface, netns] = process.argv.slice(2) as [string, string];
const tc = await loadObject(counterObject("tc"));
attachTc("count", tc.programs.get("count")!.fd.raw, { interface: iface, direction: "ingress", netns });
const xdp = await loadObject(counterObject("xdp", { returns: 2 }));
attachXdp("count", xdp.programs.get("count")!.fd.raw, { interface: iface, netns });
console.log("attached");
process.exit(0);
