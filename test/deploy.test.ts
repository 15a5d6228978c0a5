// deploy/: the Helm chart lints (helm lint --strict, with values.schema.json) and renders;
// deploy/kubernetes/tsbpf.yaml is its rendering with the default values; every manifest validates
// against the Kubernetes API's schemas (kubernetes-models: types, required fields, enums; it does
// not reject unknown fields); the DaemonSet asks for the privileges docs/deploy.md lists and no
// more; the Dockerfile parses without a diagnostic (dockerfile-utils) and agrees with the chart.
// The image itself is not built here (no Docker engine on these machines): its command is run as
// the container would run it, on this kernel, against an object built as the Dockerfile builds it,
// as uid 0 holding only the capabilities the chart adds (setpriv, util-linux): enough, and each
// one needed (without either, loading is refused naming the missing one).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { validate as validateDockerfile } from "dockerfile-utils";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { start, until } from "./support/child.js";
import { describeKernel, toolPath } from "./support/kernel.js";
import { cliPath, repoRoot } from "./support/paths.js";
import { freePort } from "./support/prometheus.js";

const chart = join(repoRoot, "deploy", "helm", "tsbpf");
const dockerfile = readFileSync(join(repoRoot, "deploy", "Dockerfile"), "utf8");

function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(toolPath("helm"), args, { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any };

/** `helm template` with the default values, rendered once. */
let defaults: string | undefined;
function renderedDefaults(): string {
  if (defaults === undefined) {
    const out = helm(["template", "tsbpf", chart, "--namespace", "tsbpf"]);
    expect(out.status, out.stderr).toBe(0);
    defaults = out.stdout;
  }
  return defaults;
}

function render(set: string[] = []): Manifest[] {
  let text = renderedDefaults();
  if (set.length > 0) {
    const out = helm(["template", "tsbpf", chart, "--namespace", "tsbpf", ...set.flatMap((s) => ["--set", s])]);
    expect(out.status, out.stderr).toBe(0);
    text = out.stdout;
  }
  return parseAllDocuments(text).map((d) => d.toJS() as Manifest).filter(Boolean);
}

/** Validates each manifest against its kind's schema; throws with the validator's message. */
function validateAll(manifests: Manifest[]): void {
  for (const m of manifests) {
    if (m.kind === "DaemonSet" && m.apiVersion === "apps/v1") new DaemonSet(m as never).validate();
    else if (m.kind === "ServiceAccount" && m.apiVersion === "v1") new ServiceAccount(m as never).validate();
    else throw new Error(`no schema here for ${m.apiVersion} ${m.kind}`);
  }
}

const daemonSet = (manifests: Manifest[]) => manifests.find((m) => m.kind === "DaemonSet")!;

describe("deploy/helm/tsbpf", () => {
  it("lints, and renders manifests that validate against the Kubernetes API schemas", () => {
    const lint = helm(["lint", "--strict", chart]);
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    const manifests = render();
    expect(manifests.map((m) => m.kind).sort()).toEqual(["DaemonSet", "ServiceAccount"]);
    validateAll(manifests);
    // The validator is not vacuous: a wrong type, a missing required field.
    const wrong = structuredClone(daemonSet(manifests));
    wrong.spec.template.spec.hostPID = "yes";
    expect(() => validateAll([wrong])).toThrow(/hostPID must be boolean/);
    const missing = structuredClone(daemonSet(manifests));
    delete missing.spec.template.spec.containers[0].name;
    expect(() => validateAll([missing])).toThrow(/name/);
  });

  it("deploy/kubernetes/tsbpf.yaml is the chart rendered with its default values", () => {
    const text = readFileSync(join(repoRoot, "deploy", "kubernetes", "tsbpf.yaml"), "utf8");
    expect(text.replace(/^(#[^\n]*\n)+/, "")).toBe(renderedDefaults());
    validateAll(parseAllDocuments(text).map((d) => d.toJS() as Manifest).filter(Boolean));
  });

  it("asks for CAP_BPF and CAP_PERFMON, host pids, and the mounts of BTF, bpffs and tracefs, and declares the metrics port", () => {
    const pod = daemonSet(render()).spec.template;
    const spec = pod.spec;
    const [container] = spec.containers;
    expect(spec.hostPID).toBe(true);
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({
      privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["BPF", "PERFMON"] }, seccompProfile: { type: "RuntimeDefault" },
    });
    const volumes = new Map<string, any>(spec.volumes.map((v: any) => [v.name, v]));
    const mounts = new Map<string, any>(container.volumeMounts.map((m: any) => [m.mountPath, m]));
    for (const [path, readOnly] of [["/sys/kernel/btf", true], ["/sys/fs/bpf", undefined], ["/sys/kernel/tracing", true]] as const) {
      const mount = mounts.get(path);
      expect(mount?.readOnly, path).toBe(readOnly);
      expect(volumes.get(mount.name).hostPath.path).toBe(path);
    }
    // Identity: the host's cgroup hierarchy and the kubelet's pod logs, read-only, named to tsbpf.
    expect(volumes.get(mounts.get("/host/sys/fs/cgroup").name).hostPath.path).toBe("/sys/fs/cgroup");
    expect(mounts.get("/host/sys/fs/cgroup").readOnly).toBe(true);
    expect(container.env).toContainEqual({ name: "TSBPF_CGROUP_ROOT", value: "/host/sys/fs/cgroup" });
    // One port, named for discovery, the one --metrics listens on and the annotations name.
    expect(container.ports).toEqual([{ name: "metrics", containerPort: 9435, protocol: "TCP" }]);
    expect(container.args.slice(container.args.indexOf("--metrics"), container.args.indexOf("--metrics") + 2)).toEqual(["--metrics", "0.0.0.0:9435"]);
    expect(pod.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "9435", "prometheus.io/path": "/metrics" });
  });

  it("takes a probe from a ConfigMap, its @config values, an OTLP endpoint and more capabilities from values; refuses bad values", () => {
    const manifests = render([
      "probe.configMap=my-probe", "probe.path=/probes/probe.bpf.o", "probe.config.targetPid=42", "otel.endpoint=http://collector:4318",
      "metrics.port=9500", "securityContext.capabilities={BPF,PERFMON,NET_ADMIN}",
    ]);
    validateAll(manifests);
    const spec = daemonSet(manifests).spec.template.spec;
    const [container] = spec.containers;
    expect(container.args).toEqual(["run", "/probes/probe.bpf.o", "--metrics", "0.0.0.0:9500", "--config", "targetPid=42"]);
    expect(spec.volumes).toContainEqual({ name: "probe", configMap: { name: "my-probe" } });
    expect(container.volumeMounts).toContainEqual({ name: "probe", mountPath: "/probes", readOnly: true });
    expect(container.env).toContainEqual({ name: "OTEL_METRICS_EXPORTER", value: "otlp" });
    expect(container.env).toContainEqual({ name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://collector:4318" });
    expect(container.securityContext.capabilities.add).toEqual(["BPF", "PERFMON", "NET_ADMIN"]);
    expect(container.ports[0].containerPort).toBe(9500);
    for (const bad of ["metrics.port=http", "securityContext.seccompProfile=Privileged", "probe.path=probe.txt"]) {
      const out = helm(["template", "tsbpf", chart, "--set", bad]);
      expect(out.status, bad).not.toBe(0);
      expect(out.stderr, bad).toMatch(/values don't meet the specifications of the schema/);
    }
  });
});

describe("deploy/Dockerfile", () => {
  it("parses without a diagnostic, and agrees with the repository and the chart", () => {
    expect(validateDockerfile(dockerfile)).toEqual([]);
    const parsed = DockerfileParser.parse(dockerfile);
    const froms = parsed.getFROMs();
    expect(froms.length).toBe(2);
    // Base images pinned to a Node version (no latest), the build stage named and copied from.
    expect(parsed.getARGs()[0]!.getProperty()?.getValue()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const from of froms) expect(from.getImageTag()).toMatch(/^\$\{NODE_VERSION\}-bookworm(-slim)?$/);
    expect(froms[0]!.getBuildStage()).toBe("build");
    const final = parsed.getInstructions().slice(parsed.getInstructions().indexOf(froms[1]!));
    const json = (keyword: string) => JSON.parse(final.find((i) => i.getKeyword() === keyword)!.getArgumentsContent()!) as string[];
    // The entry point is the CLI the repository builds, at the path the final stage copies packages/ to.
    expect(json("ENTRYPOINT")).toEqual(["node", "/opt/tsbpf/packages/tsbpf/dist/cli.js"]);
    expect(existsSync(join(repoRoot, "packages", "tsbpf", "dist", "cli.js"))).toBe(true);
    // Each object it builds comes from an example that exists; the default command runs one of them, as the chart does.
    const built = [...dockerfile.matchAll(/cli\.js build (\S+) -o \/out\/probes\/(\S+)/g)].map((m) => [m[1]!, m[2]!]);
    expect(built.length).toBeGreaterThan(0);
    for (const [source] of built) expect(existsSync(join(repoRoot, source)), source).toBe(true);
    const cmd = json("CMD");
    const chartArgs = daemonSet(render()).spec.template.spec.containers[0].args as string[];
    expect(cmd).toEqual(chartArgs);
    expect(built.map(([, object]) => `/opt/tsbpf/probes/${object}`)).toContain(cmd[1]);
    expect(final.find((i) => i.getKeyword() === "EXPOSE")!.getArgumentsContent()).toBe("9435");
  });
});

/** The chart's default capability set as setpriv arguments: uid 0 holding only these (bounding and inheritable sets). */
function withCapabilities(caps: string[], command: string[]): string[] {
  const set = ["-all", ...caps.map((c) => `+${c.toLowerCase()}`)].join(",");
  return [`--bounding-set=${set}`, `--inh-caps=${set}`, ...command];
}

describeKernel("the image's command on this kernel, with the pod's capabilities only", () => {
  it("runs the default probe as an object built as the Dockerfile builds it, and serves its metrics", async () => {
    const caps = daemonSet(render()).spec.template.spec.containers[0].securityContext.capabilities.add as string[];
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-image-"));
    const [source, object] = [...dockerfile.matchAll(/cli\.js build (\S+) -o \/out\/probes\/(\S+)/g)].map((m) => [m[1]!, m[2]!])[0]!;
    execFileSync(process.execPath, [cliPath, "build", join(repoRoot, source), "-o", join(dir, object)], { stdio: "pipe" });
    const setpriv = toolPath("setpriv");
    // Each capability is needed: without it, loading is refused, naming it.
    const without = await Promise.all(caps.map((missing) => start(setpriv,
      withCapabilities(caps.filter((c) => c !== missing), [process.execPath, cliPath, "run", join(dir, object), "--duration", "1"]),
      { ...process.env, HOME: dir }).finished));
    caps.forEach((missing, i) => {
      expect(without[i]!.code, missing).not.toBe(0);
      expect(without[i]!.stderr, missing).toContain(`CAP_${missing}`);
    });
    const port = await freePort();
    const run = start(setpriv, withCapabilities(caps, [process.execPath, cliPath, "run", join(dir, object), "--metrics", `127.0.0.1:${port}`]), { ...process.env, HOME: dir });
    try {
      let text = "";
      // System calls happen all the time (this test's own): the count of some program's appears.
      const poll = setInterval(() => void fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).then((t) => (text = t), () => undefined), 200);
      try {
        await until(() => run.child.exitCode !== null || /^tsbpf_syscalls_total\{key="[^"]+"\} [1-9]/m.test(text), 60_000, "a scrape with system calls counted");
      } finally {
        clearInterval(poll);
      }
      expect(run.child.exitCode).toBeNull();
      expect(text).toMatch(/^# TYPE tsbpf_read_bytes histogram$/m);
    } finally {
      run.child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
