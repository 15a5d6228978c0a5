/**
 * How `tsbpf run` attaches a probe: `attach()` for every program whose section names its hook
 * completely, then the others with the targets given on the command line (an interface for XDP
 * and tc, a cgroup for cgroup hooks, a binary for uprobes and USDT, an event for perf_event
 * programs). `checkTargets` runs first, on every loaded probe, so that a missing or wrong target
 * is an error before anything is attached or printed.
 */
import { inNetns, interfaceIndex, type AttachOptions, type BpfObject, type Link } from "@tsbpf/runtime";
import { existsSync, readdirSync } from "node:fs";
import { UsageError, type AttachTargets } from "./args.js";

/** Which option a hook needs, by section prefix. */
const needs: [RegExp, keyof AttachTargets, string, string][] = [
  [/^xdp/, "interface", "--interface <name>", "an XDP program"],
  [/^(tc|tcx|classifier)(\/|$)/, "interface", "--interface <name>", "a tc program"],
  [/^(cgroup|cgroup_skb)\//, "cgroup", "--cgroup <path>", "a cgroup program"],
  [/^(uprobe|uretprobe|usdt)/, "binary", "--binary <path>", "a uprobe or USDT program"],
  [/^perf_event$/, "event", "--event <name>", "a perf_event program"],
];

export interface AttachResult {
  links: Link[];
  /** Programs left unattached: hooks tsbpf run does not attach (struct_ops members, syscall programs...). */
  skipped: { program: string; needs: string }[];
}

/** The programs attach() leaves to us, with the option each needs (undefined: none we know). */
function pending(object: BpfObject): { name: string; section: string; need?: (typeof needs)[number] }[] {
  const structOps = new Set((object.spec.structOps ?? []).flatMap((ops) => ops.functions.map((f) => f.program)));
  const out = [];
  for (const program of object.programs.values()) {
    if (program.attachable || structOps.has(program.name)) continue;
    out.push({ name: program.name, section: program.section, need: needs.find(([pattern]) => pattern.test(program.section)) });
  }
  return out;
}

/** Named network namespaces (`ip netns add`) whose interfaces include `name`. */
function namespacesWith(name: string): string[] {
  let names: string[];
  try {
    names = readdirSync("/var/run/netns");
  } catch {
    return [];
  }
  return names.filter((ns) => {
    try {
      return inNetns(ns, () => interfaceIndex(name)) > 0;
    } catch {
      return false;
    }
  });
}

/**
 * Throws a UsageError naming the option when a program needs a target that was not given, or
 * when a given target does not exist (an interface in the current or --netns namespace, with a
 * hint when it lives in another one; a cgroup or binary path).
 */
export function checkTargets(probes: { name: string; object: BpfObject }[], targets: AttachTargets): void {
  const wanted = new Set<keyof AttachTargets>();
  for (const { name, object } of probes) {
    for (const program of pending(object)) {
      if (!program.need) continue;
      const [, key, option, what] = program.need;
      if (targets[key] === undefined) {
        throw new UsageError(`${name}.${program.name} is ${what} (section "${program.section}"): it needs ${option}`);
      }
      wanted.add(key);
    }
  }
  if (wanted.has("interface") && targets.interface !== undefined && !/^\d+$/.test(targets.interface)) {
    let found = true;
    try {
      inNetns(targets.netns, () => interfaceIndex(targets.interface!));
    } catch (error) {
      if (targets.netns !== undefined && !existsSync(targets.netns.includes("/") ? targets.netns : `/var/run/netns/${targets.netns}`)) {
        throw new UsageError(`--netns ${targets.netns}: no such network namespace (ip netns list shows them)`);
      }
      found = false;
      void error;
    }
    if (!found) {
      const where = targets.netns === undefined ? "this network namespace" : `network namespace ${targets.netns}`;
      const elsewhere = namespacesWith(targets.interface).filter((ns) => ns !== targets.netns);
      throw new UsageError(
        `--interface ${targets.interface}: no such interface in ${where}` +
          (elsewhere.length > 0
            ? `; it exists in network namespace ${elsewhere.join(", ")} (add --netns ${elsewhere[0]})`
            : " (ip link shows the interfaces)"),
      );
    }
  }
  if (wanted.has("cgroup") && targets.cgroup !== undefined && !existsSync(targets.cgroup)) {
    throw new UsageError(`--cgroup ${targets.cgroup}: no such cgroup directory`);
  }
}

export function attachAll(object: BpfObject, targets: AttachTargets): AttachResult {
  const links = object.attach();
  const skipped: AttachResult["skipped"] = [];
  const attached = new Set(links.map((l) => l.program));
  for (const program of pending(object)) {
    if (attached.has(program.name)) continue;
    if (!program.need || targets[program.need[1]] === undefined) {
      skipped.push({ program: program.name, needs: program.need ? program.need[2] : "a hook tsbpf run cannot attach (use load() and attach() yourself)" });
      continue;
    }
    const options: AttachOptions = {
      interface: targets.interface,
      netns: targets.netns,
      cgroup: targets.cgroup,
      binary: targets.binary,
      pid: targets.pid,
    };
    if (program.section === "perf_event") {
      options.event = targets.event as AttachOptions["event"];
      options.frequency = targets.frequency ?? 99;
    }
    links.push(object.adopt(object.programs.get(program.name)!.attach(options)));
  }
  return { links, skipped };
}
