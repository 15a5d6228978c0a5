// cgroup paths as Docker, containerd, CRI-O, Podman and the kubelet write them (both cgroup
// drivers), and paths that name no container.
import { describe, expect, it } from "vitest";
import { parseCgroupPath } from "./identity.js";

const id = "4f9c1d2e3b4a5968778695a4b3c2d1e0f9e8d7c6b5a4938271605f4e3d2c1b0a";
const uid = "8d5a3f1c-2b4e-4c6d-9e8f-0a1b2c3d4e5f";
const uid_ = uid.replaceAll("-", "_");

describe("parseCgroupPath", () => {
  it.each([
    [`/system.slice/docker-${id}.scope`, { containerId: id, runtime: "docker" }],
    [`/docker/${id}`, { containerId: id, runtime: "docker" }],
    [`/machine.slice/libpod-${id}.scope`, { containerId: id, runtime: "podman" }],
    [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid_}.slice/cri-containerd-${id}.scope`,
      { containerId: id, runtime: "containerd", podUid: uid, qosClass: "burstable" }],
    [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid_}.slice/crio-${id}.scope`,
      { containerId: id, runtime: "cri-o", podUid: uid, qosClass: "besteffort" }],
    [`/kubepods.slice/kubepods-pod${uid_}.slice/crio-${id}.scope`, { containerId: id, runtime: "cri-o", podUid: uid, qosClass: "guaranteed" }],
    [`/kubepods/burstable/pod${uid}/${id}`, { containerId: id, podUid: uid, qosClass: "burstable" }],
    [`/kubepods/pod${uid}/${id}`, { containerId: id, podUid: uid, qosClass: "guaranteed" }],
    // The pod's own cgroup, and CRI-O's monitor process beside the container: a pod, no container.
    [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid_}.slice`, { podUid: uid, qosClass: "besteffort" }],
    [`/kubepods.slice/kubepods-pod${uid_}.slice/crio-conmon-${id}.scope`, { podUid: uid, qosClass: "guaranteed" }],
  ])("%s", (path, expected) => {
    expect(parseCgroupPath(path)).toEqual({ path, ...expected });
  });

  it.each(["/", "/user.slice/user-1000.slice/session-2.scope", "/system.slice/sshd.service", `/other/${id}`, `/pod${uid}/${id}`])(
    "names no container or pod: %s", (path) => {
      expect(parseCgroupPath(path)).toEqual({ path });
    });
});
