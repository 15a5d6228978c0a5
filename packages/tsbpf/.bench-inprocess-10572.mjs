
import { readFileSync } from "node:fs";
import { Probe, embedProbeObject, load } from "tsbpf";
class Hello extends Probe {}
embedProbeObject(Hello, new Uint8Array(readFileSync(process.argv[2])));
const start = performance.now();
const probe = await load(Hello, { config: { targetPid: 1 } });
probe.attach();
const ms = performance.now() - start;
probe.close();
console.log(ms);
