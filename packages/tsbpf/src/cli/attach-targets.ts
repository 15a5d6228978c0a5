/**
 * How `tsbpf run` attaches a probe: `attach()` for every program whose section names its hook
 * completely, then the others with the targets given on the command line (an interface for XDP
 * and tc, a cgroup for cgroup hooks, a binary for uprobes and USDT, an event for perf_event
 * programs). A program that needs a target nobody gave is left loaded and reported.
 */
import type { AttachOptions, BpfObject, Link } from "@tsbpf/runtime";
import type { AttachTargets } from "./args.js";

/** Which option a hook needs, by section prefix. */
const needs: [RegExp, keyof AttachTargets, string][] = [
  [/^xdp/, "interface", "--interface"],
  [/^(tc|tcx|classifier)(\/|$)/, "interface", "--interface"],
  [/^(cgroup|cgroup_skb)\//, "cgroup", "--cgroup"],
  [/^(uprobe|uretprobe|usdt)/, "binary", "--binary"],
  [/^perf_event$/, "event", "--event"],
];

export interface AttachResult {
  links: Link[];
  /** Programs left unattached, with the option that would attach them. */
  skipped: { program: string; needs: string }[];
}

export function attachAll(object: BpfObject, targets: AttachTargets): AttachResult {
  const links = object.attach();
  const skipped: AttachResult["skipped"] = [];
  const attached = new Set(links.map((l) => l.program));
  // struct_ops programs run once object.attach() has registered their struct_ops map.
  for (const ops of object.spec.structOps ?? []) for (const f of ops.functions) attached.add(f.program);
  for (const program of object.programs.values()) {
    if (program.attachable || attached.has(program.name)) continue;
    const need = needs.find(([pattern]) => pattern.test(program.section));
    if (!need || targets[need[1]] === undefined) {
      skipped.push({ program: program.name, needs: need ? need[2] : "a hook tsbpf run cannot attach (use load() and attach() yourself)" });
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
    links.push(object.adopt(program.attach(options)));
  }
  return { links, skipped };
}
