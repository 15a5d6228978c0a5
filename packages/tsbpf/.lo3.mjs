import { readFileSync, writeFileSync } from "node:fs";
import { Probe, embedProbeObject, load } from "tsbpf";
import { Session } from "node:inspector/promises";
class Hello extends Probe {}
embedProbeObject(Hello, new Uint8Array(readFileSync("/tmp/s10/hello.bpf.o")));
const s = new Session(); s.connect(); await s.post("Profiler.enable"); await s.post("Profiler.setSamplingInterval", { interval: 100 }); await s.post("Profiler.start");
const t = performance.now();
const probe = await load(Hello, { config: { targetPid: 1 } });
probe.attach();
const w = performance.now() - t;
const { profile } = await s.post("Profiler.stop");
writeFileSync(process.argv[2], JSON.stringify(profile));
probe.close(); console.error(w.toFixed(1));
