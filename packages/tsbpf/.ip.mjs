import { readFileSync } from "node:fs";
import { Probe, embedProbeObject, load } from "tsbpf";
class Hello extends Probe {}
embedProbeObject(Hello, new Uint8Array(readFileSync(process.argv[2])));
const c = process.cpuUsage();
const start = performance.now();
const probe = await load(Hello, { config: { targetPid: 1 } });
probe.attach();
const ms = performance.now() - start;
const u = process.cpuUsage(c);
probe.close();
console.log(ms.toFixed(1), "cpu", ((u.user + u.system) / 1000).toFixed(1));
