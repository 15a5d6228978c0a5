// The guest's harness (test/vm/other-kernel.guest.mjs and its case modules in test/vm/cases/):
// loads an object compiled on the host with tsbpf's built runtime, attaches it, runs a case's
// checks and prints one `TSBPF-VM-CASE <json>` line for the host (test/other-kernel.test.ts) and
// an `ok`/`FAIL`/`skip` line for people (scripts/core-on-vm.sh).
import { readFileSync } from "node:fs";
import { release } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { loadObject } from "../../packages/runtime/dist/index.js";

/** The objects folder (the host compiled them there; the guest may write there too). */
export const dir = process.argv[2];
if (!dir) throw new Error("usage: other-kernel.guest.mjs <objects dir>");
export const WAIT_MS = 20_000; // everything is emulated (TCG): be patient with events
export const scratch = `/tmp/tsbpf-core-vm-${process.pid}`;
export const comm = readFileSync("/proc/self/comm", "utf8").trim();
let failed = 0;
/** How many cases failed so far. */
export const failures = () => failed;

/** JSON with bigints as "<n>n", so that expected and reported values compare as equal strings. */
export const json = (value) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));

/** The first event of `object`'s ring buffer `events` that `match` accepts, or undefined. */
export async function firstEvent(object, match) {
  for await (const event of object.map("events").events({ signal: AbortSignal.timeout(WAIT_MS) })) {
    if (match(event)) return event;
  }
  return undefined;
}

/** Whether this kernel was built with `option` (its config, which the VM puts in /boot). */
export function kernelHas(option) {
  const config = readFileSync(`/boot/config-${release()}`, "utf8");
  return new RegExp(`^${option}=[ym]$`, "m").test(config);
}

/**
 * Loads `file` (an object file in <dir>, or a spec built here), attaches its programs (every
 * one, or as `options.attach(object)` does) and runs `body(object)`, which returns checks
 * ({ what, expected, actual }), or `{ checks, data }` where the host checks `data` itself (records
 * it decodes with the example's own decoder, say). Reports the stage reached, the relocations and the checks.
 * `options.config` sets its `@config` values (`.rodata`) at load. A case that `options.needs` a
 * kernel option this kernel lacks, and that the runtime refused with a NotSupportedError, is
 * reported as `missing` (the host skips it, saying why).
 */
export async function runCase(name, file, body, options = {}) {
  const attach = options.attach ?? ((object) => object.attach());
  const started = performance.now();
  const result = { case: name, object: typeof file === "string" ? file : file.programs[0].section, kernel: release(), loaded: false, attached: false, relocations: [], checks: [] };
  let object;
  try {
    object = await loadObject(typeof file === "string" ? new Uint8Array(readFileSync(`${dir}/${file}`)) : file, {
      config: options.config,
      onCoreRelocations: (program, report) => {
        for (const r of report.applied) result.relocations.push({ program, field: r.field, kind: r.kind, value: r.value });
        for (const p of report.poisoned) result.relocations.push({ program, field: p.field, kind: p.kind, poisoned: p.reason });
      },
    });
    result.loaded = true;
    attach(object);
    result.attached = true;
    const outcome = await body(object);
    if (Array.isArray(outcome)) result.checks = outcome;
    else ({ checks: result.checks, data: result.data } = outcome);
  } catch (error) {
    result.error = `${error?.name}: ${String(error?.message).split("\n")[0]}`;
    if (options.needs && error?.name === "NotSupportedError" && !kernelHas(options.needs)) result.missing = `${options.needs} is not set in this kernel (${release()})`;
  } finally {
    object?.close();
  }
  if (result.missing) {
    console.log(`TSBPF-VM-CASE ${json(result)}`);
    console.log(`skip ${name} on ${release()}: ${result.missing}; the runtime said: ${result.error}`);
    return;
  }
  const bad = result.error ? [result.error] : result.checks.filter((c) => !isDeepStrictEqual(c.expected, c.actual)).map((c) => `${c.what}: expected ${json(c.expected)}, got ${json(c.actual)}`);
  if (bad.length || result.checks.length === 0) failed++;
  console.log(`TSBPF-VM-CASE ${json(result)}`);
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  console.log(bad.length || result.checks.length === 0 ? `FAIL ${name} on ${release()} (${took}): ${bad.join("; ") || "no checks ran"}` : `ok   ${name} on ${release()} (${took}): ${result.checks.map((c) => json(c.actual)).join(" ")}`);
}

/** The address of a kernel function, from this kernel's /proc/kallsyms (an independent reader). */
export function kallsymsAddress(name) {
  // Searched as text: a loop over its ~110,000 lines takes seconds under TCG.
  const text = `\n${readFileSync("/proc/kallsyms", "utf8")}\n`;
  for (const type of ["T", "t"]) {
    const at = text.indexOf(` ${type} ${name}\n`);
    if (at >= 0) return BigInt(`0x${text.slice(text.lastIndexOf("\n", at) + 1, at)}`);
  }
  return undefined;
}

