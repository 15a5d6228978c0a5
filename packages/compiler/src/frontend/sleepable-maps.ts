/**
 * Map kinds a sleepable program may not use. The kernel loads `@syscall` programs with
 * BPF_F_SLEEPABLE (libbpf's "syscall" section does the same), and the verifier refuses, before it
 * looks at a single instruction, a sleepable program that refers to a map outside a list
 * (kernel/bpf/verifier.c, check_map_prog_compatibility): "Sleepable programs can only use array,
 * hash, ringbuf and local storage maps". The list has only grown since sleepable programs came
 * (5.10): in 6.1 it holds hash, LRU hash, array, their per-CPU forms, array and hash of maps, ring
 * buffers, user ring buffers and inode, socket and task storage; 6.2 adds cgroup storage; then
 * queues and stacks (6.12 loads them, 6.1 refuses them: both checked in the VM); program arrays
 * only after 6.18 (6.1, 6.12 and 6.18 refuse them; the verifier's newest list has them). So:
 * - kinds no kernel allows (perf event arrays, stack traces, LPM tries, bloom filters, devmaps,
 *   cpumaps, xskmaps, sockmaps, sockhashes) are an error at the first use in the program;
 * - kinds later kernels allow (queue, stack, program array, cgroup storage) are a warning naming
 *   the kernels that refuse them.
 * A map of maps is judged by its inner map's kind (6.18 checks inner maps against the same
 * list; older kernels may not: an error here then errs on the side of the newest kernel).
 * The uses looked at are `this.<map>` in the program's method, the callbacks in it and the
 * methods it calls (`this.<method>(...)`), as far as they reach.
 * frontend/sleepable-maps.kernel.test.ts checks each verdict against the running kernel.
 */
import { ts } from "ts-morph";
import { Codes } from "../diagnostics/codes.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { MapModel, ProbeModel, ProgramModel } from "./probe-model.js";
import { spanOf } from "./span.js";

/** Refused in a sleepable program by every kernel that has sleepable programs. */
export const NEVER_SLEEPABLE = new Set(["PerfEventArray", "PerfCounterArray", "StackTrace", "LpmTrie", "BloomFilter", "DevMap", "CpuMap", "XskMap", "SockMap", "SockHash", "CgroupArray", "CgroupStorage", "PerCpuCgroupStorage", "DevMapHash", "ReuseportSockArray"]);

/** Allowed in a sleepable program only by later kernels: what the older ones are. */
export const LATER_SLEEPABLE: Record<string, string> = {
  Queue: "Linux 6.1 refuses it (6.12 and later allow queues)",
  Stack: "Linux 6.1 refuses it (6.12 and later allow stacks)",
  ProgArray: "Linux 6.18 and older refuse it (only newer kernels allow tail calls through a program array here)",
  CgrpStorage: "Linux 6.1 has no cgroup storage; 6.2 and later allow it",
};

/** Whether the program loads with BPF_F_SLEEPABLE (the runtime's section table: "syscall" and the ".s" sections). */
export function isSleepable(section: string): boolean {
  return section === "syscall" || /^[a-z_]+\.s(\/|$)/.test(section);
}

function thisMember(node: ts.Node): string | undefined {
  return ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword ? node.name.text : undefined;
}

/** The first `this.<map>` use of each map in the program and the methods it reaches. */
function mapUses(program: ProgramModel, model: ProbeModel): Map<MapModel, ts.Node> {
  const maps = new Map(model.maps.map((m) => [m.name, m]));
  const methods = new Map<string, ts.MethodDeclaration>();
  for (const member of model.node.members) {
    if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && member.body) methods.set(member.name.text, member);
  }
  const uses = new Map<MapModel, ts.Node>();
  const seen = new Set<ts.Node>([program.node]);
  const queue: ts.Node[] = [program.node];
  while (queue.length > 0) {
    const visit = (node: ts.Node): void => {
      const name = thisMember(node);
      const map = name === undefined ? undefined : maps.get(name);
      if (map && !uses.has(map)) uses.set(map, node);
      const method = name === undefined ? undefined : methods.get(name);
      if (method && !seen.has(method)) {
        seen.add(method);
        queue.push(method);
      }
      ts.forEachChild(node, visit);
    };
    const next = queue.shift()!;
    if (ts.isMethodDeclaration(next) && next.body) visit(next.body);
  }
  return uses;
}

export function checkSleepableMaps(model: ProbeModel, diagnostics: DiagnosticBag): void {
  for (const program of model.programs) {
    if (!isSleepable(program.section)) continue;
    const why = program.section === "syscall" ? "a @syscall program is sleepable (it loads with BPF_F_SLEEPABLE)" : `the program '${program.name}' is sleepable`;
    for (const [used, at] of mapUses(program, model)) {
      // A map of maps is allowed, and its inner maps must pass the same list: 6.18's verifier
      // says "Sleepable programs can only use array, hash, ringbuf and local storage maps, also
      // as inner maps" (frontend/sleepable-maps.kernel.test.ts).
      const map = used.inner ?? used;
      const what = used.inner ? `a ${map.dslClass} as the inner map of '${used.name}'` : `a ${map.dslClass} ('${map.name}')`;
      const refused = `the kernel refuses a sleepable program that uses ${what}`;
      if (NEVER_SLEEPABLE.has(map.dslClass)) {
        diagnostics.error(Codes.SleepableMap, spanOf(at),
          `${why}, and ${refused}: sleepable programs may use hash and array maps (per-CPU and LRU too), maps of maps of those, ring buffers and local storage`,
          map.dslClass === "PerfEventArray" ? "send the events through a RingBuf, or use this map from a program that does not sleep (a tracepoint, a kprobe)"
            : "keep this map's uses in a program that does not sleep (a tracepoint, a kprobe), sharing data with this one through a hash or array map");
      } else if (LATER_SLEEPABLE[map.dslClass]) {
        diagnostics.warning(Codes.SleepableMap, spanOf(at),
          `${why}, and older kernels refuse a sleepable program that uses ${what}: ${LATER_SLEEPABLE[map.dslClass]}`,
          "to load on those kernels, use a hash or array map here instead");
      }
    }
  }
}
