// What `import("@tsbpf/compiler")` resolves to inside a bundle built with @tsbpf/unplugin.
//
// tsbpf imports its compiler only when a probe class has no embedded object. The plugin embeds
// the object of every probe module it compiles, so in a bundle that import runs only for a probe
// class the plugin did not see: this module then says why, instead of pulling the compiler and
// TypeScript (tens of megabytes) into every bundle. It throws when evaluated, so the message is
// the same whichever of the compiler's functions the caller wanted.
throw new Error(
  "tsbpf: this bundle holds no compiled object for the probe class being loaded, and no compiler " +
    "(@tsbpf/unplugin leaves it out). The plugin compiles the probe modules it is given: files " +
    "named *.bpf.ts by default, or those matching its `include` option. Name the probe's file " +
    "*.bpf.ts (or add it to `include`) and build again.",
);
