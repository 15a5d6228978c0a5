/**
 * Hints for the verifier's most common complaints, phrased for someone writing TypeScript.
 * Each entry matches the verifier's own wording (kernel/bpf/verifier.c).
 */
const hints: [RegExp, string][] = [
  [/invalid mem access '(map_value_or_null|ptr_or_null_|.*_or_null)'/, "check the lookup result for null before using it (if (v === null) return 0;)"],
  [/invalid mem access 'scalar'|invalid mem access 'inv'/, "a number is used as a pointer: read kernel memory through a Ptr<T> (bpf.probeRead*) instead"],
  [/R\d+ !read_ok/, "a variable is used before it is given a value (on some path)"],
  [/invalid (indirect )?read from stack/, "a local struct or array is read before every byte of it is written: initialise it fully first"],
  [/invalid access to map value|value is outside of the allowed memory range|min value is negative/, "an index into a map value may be out of range: check it against the array length before using it"],
  [/unbounded memory access|math between .* pointer and register with unbounded/, "bound the index or length with an explicit check (if (i >= N) return 0;) so that the verifier sees its range"],
  [/invalid access to packet|offset is outside of the packet/, "check the packet pointer against data_end before reading it"],
  [/back-edge from insn|infinite loop detected|loop is not bounded/, "give the loop a bound the verifier can see (a constant upper limit)"],
  [/BPF program is too large|program is too large|The sequence of \d+ jumps is too complex/, "the program is too large or has too many paths: split it into subprograms or reduce loop bounds"],
  [/combined stack size|stack depth|invalid stack off/, "locals use more than the 512-byte BPF stack: use a per-CPU array map as scratch space for large structs"],
  [/unknown func|program of this type cannot use helper/, "this helper is not available to this program type (or this kernel): pick another hook or helper"],
  [/Unreleased reference/, "every reserved ring buffer record must be submitted or discarded on every path"],
  [/cannot write into|write into map forbidden|rdonly_mem/, "this memory is read-only for the program (e.g. a @config value in .rodata)"],
  [/At program exit the register R0 (has|is not a known value)|R0 !read_ok/, "the program must return a value in the range its hook allows (e.g. return 0)"],
  [/cannot pass map_type \d+ into func/, "this map type cannot be used with this helper"],
  [/unreachable insn/, "the compiler produced unreachable code (please report it)"],
  [/misaligned (stack|value|packet) access/, "a struct member is read at a misaligned offset"],
  [/helper call might sleep in a non-sleepable prog/, "this helper may sleep: use it only from sleepable programs (e.g. fentry.s, syscall)"],
  [/dereference of modified ctx ptr|invalid bpf_context access/, "the context can only be read at fixed offsets of the hook's context struct"],
  [/R\d+ type=\w+ expected=/, "a helper argument has the wrong kind of value (e.g. a map where a pointer to a key is expected)"],
];

/** A hint for the verifier's message, or undefined. */
export function verifierHint(reason: string): string | undefined {
  for (const [pattern, hint] of hints) if (pattern.test(reason)) return hint;
  return undefined;
}
