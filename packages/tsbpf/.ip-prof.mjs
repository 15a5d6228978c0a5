import { readFileSync } from "node:fs";
import { Probe, embedProbeObject, load } from "tsbpf";
class Hello extends Probe {}
embedProbeObject(Hello, new Uint8Array(readFileSync(process.argv[2])));
const cpu0 = process.cpuUsage();
const start = performance.now();
const probe = await load(Hello, { config: { targetPid: 1 } });
const t1 = performance.now();
probe.attach();
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
probe.close();
console.log("load", (t1-start).toFixed(2), "total", ms.toFixed(2), "cpu ms", ((cpu.user+cpu.system)/1000).toFixed(2));
