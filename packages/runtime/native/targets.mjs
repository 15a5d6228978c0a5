// The prebuilt shims the runtime package ships, named as prebuildify names them with --napi
// --tag-libc (`prebuilds/<platform>-<arch>/<package name, "/" as "+">.<libc>.node`), so that
// node-gyp-build picks the one for the running platform, architecture and libc. Node-API keeps the
// binary interface stable across Node versions, so one build serves Node 20 and 22 alike.
//
// Each is cross-compiled with Debian's toolchains; scripts/ensure-test-tools.sh installs them:
//   x64 glibc    gcc                          (the host compiler on an x86-64 machine)
//   arm64 glibc  gcc-aarch64-linux-gnu        (+ libc6-dev-arm64-cross)
//   x64 musl     musl-tools, musl-dev         (musl-gcc: gcc with musl's specs)
//   arm64 musl   musl-dev:arm64               (aarch64-linux-musl-gcc: the cross gcc with musl's specs)
export const packageFileStem = "@tsbpf+runtime";

export const prebuildTargets = [
  { arch: "x64", libc: "glibc", cc: "x86_64-linux-gnu-gcc", debian: "gcc" },
  { arch: "arm64", libc: "glibc", cc: "aarch64-linux-gnu-gcc", debian: "gcc-aarch64-linux-gnu" },
  {
    arch: "x64", libc: "musl", cc: "x86_64-linux-musl-gcc", debian: "musl-tools",
    uapi: { root: "/usr/include", asm: "/usr/include/x86_64-linux-gnu/asm" },
  },
  {
    arch: "arm64", libc: "musl", cc: "aarch64-linux-musl-gcc", debian: "musl-dev:arm64",
    uapi: { root: "/usr/aarch64-linux-gnu/include", asm: "/usr/aarch64-linux-gnu/include/asm" },
  },
];

/** The path of a target's prebuilt file, relative to the runtime package. */
export function prebuildPath(target) {
  return `prebuilds/linux-${target.arch}/${packageFileStem}.${target.libc}.node`;
}
