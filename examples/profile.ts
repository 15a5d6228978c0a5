// User space for profile: sample for a while, then print folded stacks
// ("comm;outer;...;inner count", user frames then kernel frames), the input of flamegraph.pl.
//   npx tsx examples/profile.ts [seconds] [pid]
import { foldedName, load } from "tsbpf";
import { Profile } from "./profile.bpf.ts";

const seconds = Number(process.argv[2] ?? 5);
const targetPid = Number(process.argv[3] ?? 0);
await using profile = await load(Profile, { config: { targetPid } });
profile.programs.sample.attach({ event: "cpu-clock", frequency: 99 });
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
for (const link of profile.object.links) link.close(); // stop sampling before reading

const frames = (id: number, pid?: number): string[] => {
  if (id < 0) return [];
  const stack = profile.stacks.symbolize(id, pid === undefined ? {} : { pid }) ?? [];
  // Innermost first in the map; folded stacks go from the outermost frame in. foldedName: the
  // symbol (C++/Rust names demangled), else "[file]" or "[unknown]", as perf and tsbpf run write them.
  return stack.map(foldedName).reverse();
};
const folded = new Map<string, bigint>();
for await (const [key, count] of profile.counts.entries()) {
  const line = [key.comm, ...frames(key.userStack, key.pid), ...frames(key.kernelStack).map((f) => `${f}_[k]`)].join(";");
  folded.set(line, (folded.get(line) ?? 0n) + count);
}
for (const [line, count] of [...folded].sort((a, b) => Number(b[1] - a[1]))) console.log(`${line} ${count}`);
