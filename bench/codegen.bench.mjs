// `npm run bench`: tsbpf's code against clang -O2 on the C twins of the examples (instruction counts
// as emitted and as verified; see codegen-compare.mjs).
import { compare, markdown } from "./codegen-compare.mjs";

export async function run() {
  const table = await compare();
  const rows = table
    .filter((r) => r.emittedRatio !== undefined)
    .map((r) => ({
      what: `${r.example} ${r.program}`,
      value: r.emittedRatio,
      unit: "x clang (emitted)",
      note: `tsbpf ${r.tsbpfEmitted}/${r.tsbpfVerified ?? "-"}, clang ${r.clangEmitted}/${r.clangVerified ?? "-"} emitted/verified${r.verifiedRatio !== undefined ? `, verified ${r.verifiedRatio}x` : ""}${r.note ? `; ${r.note}` : ""}`,
    }));
  return { title: "Code size against clang -O2 -g -target bpf (instructions)", rows, text: markdown(table) };
}
