/**
 * `loadObject` under fuzz, on the real kernel (root): mutated corpus objects (the object
 * package's clang- and tsbpf-built corpus) go through the whole load path — ELF, BTF, maps,
 * CO-RE, programs and the verifier, handles — and may fail only with the runtime's typed errors
 * (BpfError and its subclasses). Whatever loads is closed again at once.
 */
import { fileURLToPath } from "node:url";
// The campaign machinery is the object package's test support (not part of its build): by path.
import type { CampaignTarget } from "../../../object/src/fuzz/campaign.js";
import type { FuzzSeed } from "../../../object/src/fuzz/targets.js";
import { BpfError } from "../errors.js";
import { loadObject } from "../load/load-object.js";

export const LOAD_REGRESSIONS_DIR = fileURLToPath(new URL("./regressions/", import.meta.url));

/**
 * Corpus objects that load on this kernel without attaching anything: programs whose hooks this
 * machine has (no fentry or LSM under lockdown, no kprobes) keep mutations reaching the verifier.
 */
export const LOADABLE = ["tsbpf-hello.o", "tsbpf-opensnoop.o", "tsbpf-runqlat.o", "tsbpf-syscount.o", "tsbpf-xdp-portfilter.o", "tsbpf-tcp-cc.o", "clang-sample.o", "clang-maps.o"];

export const loadObjectTarget: CampaignTarget & { seeds(corpus: ReadonlyMap<string, Uint8Array>): FuzzSeed[] } = {
  name: "loadObject",
  seeds: (corpus) => LOADABLE.filter((n) => corpus.has(n)).map((name) => ({ name, bytes: corpus.get(name)! })),
  run: async (bytes) => {
    const object = await loadObject(bytes);
    object.close();
  },
  expected: (error) => error instanceof BpfError,
};
