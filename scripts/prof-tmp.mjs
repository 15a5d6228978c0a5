import { randomPrograms, randomInputs, randomBatch } from "/work/wt/fuzz9/packages/compiler/dist/conformance/fuzz/campaign.js";
import { batchSource, compileBatch } from "/work/wt/fuzz9/packages/compiler/dist/conformance/harness.js";
import { Evaluator } from "/work/wt/fuzz9/packages/compiler/dist/conformance/evaluator/interpreter.js";
import { loadObject } from "@tsbpf/runtime";
const loadInKernel = async (elf) => { const o = await loadObject(elf); return { run(n, c) { const out = o.programs.get(n).testRun({ ctx: c }); return { retval: out.retval, ctx: out.ctxOut }; }, close: () => o.close() }; };
const fixturePath = (n) => "/work/wt/fuzz9/packages/compiler/src/__fixtures__/" + n;
const per = Number(process.argv[2] ?? 200), batches = Number(process.argv[3] ?? 3), seed0 = Number(process.argv[4] ?? 12000000);
const t = { gen: 0, compile: 0, load: 0, run: 0, evaluator: 0, close: 0 };
let progs = 0;
const file = fixturePath(`prof-${process.pid}.bpf.ts`);
compileBatch(batchSource(randomBatch(randomPrograms(1, 2), [], "warm")), file);
const all0 = performance.now();
for (let b = 0; b < batches; b++) {
  const seed = seed0 + b * per;
  let t0 = performance.now();
  const list = randomPrograms(seed, per); const inputs = randomInputs(seed);
  const batch = randomBatch(list, inputs, `p${b}`);
  const src = batchSource(batch);
  t.gen += performance.now() - t0;
  t0 = performance.now(); let elf; try { elf = compileBatch(src, file); } catch (e) { console.log("compile fail"); continue; } t.compile += performance.now() - t0;
  t0 = performance.now(); let o; try { o = await loadInKernel(elf); } catch (e) { console.log("load fail"); continue; } t.load += performance.now() - t0;
  t0 = performance.now();
  for (const p of list) for (const i of inputs) o.run(p.name, i);
  t.run += performance.now() - t0;
  t0 = performance.now(); o.close(); t.close += performance.now() - t0;
  t0 = performance.now();
  const ev = new Evaluator(src, file); const state = ev.newState(batch.className);
  for (const p of list) for (const i of inputs) { try { ev.run(batch.className, p.name, i, state); } catch {} }
  t.evaluator += performance.now() - t0;
  progs += per;
}
const all = performance.now() - all0;
console.log(JSON.stringify({ progs, ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])), wall: Math.round(all), rate: (progs / (all / 1000)).toFixed(1) }));
