import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCgroupPodContainer, type PodContainerRef } from './k8s-cgroup.js';

const CID = '9bca8d63d5fa610783847915bcff0ecac1273e5b4bed3f6fa1b07350e0135961';
const UID = '2c48913c-b29f-11e7-9350-020968147796';
const UID_ = UID.replaceAll('-', '_');
const STATIC_UID = '6b7f6b6f4e0d4c3a9d3b3e0e1f2a3b4c';

describe('parseCgroupPodContainer', () => {
  const inPod: PodContainerRef = { podUid: UID, containerId: CID };
  const cases: { name: string; text: string; expected: PodContainerRef | undefined }[] = [
    {
      name: 'cgroup v1, cgroupfs driver, burstable pod',
      text: `12:memory:/kubepods/burstable/pod${UID}/${CID}\n11:cpu,cpuacct:/kubepods/burstable/pod${UID}/${CID}\n`,
      expected: inPod,
    },
    { name: 'cgroup v1, cgroupfs driver, guaranteed pod (no QoS level)', text: `4:pids:/kubepods/pod${UID}/${CID}\n`, expected: inPod },
    {
      name: 'cgroup v1 whose first hierarchies are not the pod',
      text: `13:rdma:/\n12:name=systemd:/kubepods/besteffort/pod${UID}/${CID}\n`,
      expected: inPod,
    },
    {
      name: 'cgroup v2, systemd driver, containerd',
      text: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${CID}.scope\n`,
      expected: inPod,
    },
    {
      name: 'cgroup v2, systemd driver, guaranteed pod',
      text: `0::/kubepods.slice/kubepods-pod${UID_}.slice/cri-containerd-${CID}.scope\n`,
      expected: inPod,
    },
    {
      name: 'systemd driver with docker',
      text: `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/docker-${CID}.scope\n`,
      expected: inPod,
    },
    {
      name: 'systemd driver with CRI-O',
      text: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-${CID}.scope\n`,
      expected: inPod,
    },
    {
      name: 'a kind node (kubelet nested in its own slice)',
      text: `0::/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice/cri-containerd-${CID}.scope\n`,
      expected: inPod,
    },
    {
      name: 'cgroup v1 nested in a docker container (kind on cgroup v1)',
      text: `5:memory:/docker/${'a'.repeat(64)}/kubepods/burstable/pod${UID}/${CID}\n`,
      expected: inPod,
    },
    {
      name: 'a static pod, whose UID is 32 hex digits',
      text: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${STATIC_UID}.slice/cri-containerd-${CID}.scope\n`,
      expected: { podUid: STATIC_UID, containerId: CID },
    },
    { name: 'a login session (not in a pod)', text: '0::/user.slice/user-1000.slice/session-3.scope\n', expected: undefined },
    { name: 'a system service (not in a pod)', text: '0::/system.slice/containerd.service\n', expected: undefined },
    { name: 'the root cgroup', text: '0::/\n', expected: undefined },
    { name: "a pod's own cgroup, not one of its containers", text: `0::/kubepods.slice/kubepods-pod${UID_}.slice\n`, expected: undefined },
    {
      name: "CRI-O's conmon, which is not a container",
      text: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-conmon-${CID}.scope\n`,
      expected: undefined,
    },
    { name: 'a container id that is too short', text: `4:pids:/kubepods/pod${UID}/${CID.slice(1)}\n`, expected: undefined },
    { name: 'a plain docker container (not Kubernetes)', text: `0::/system.slice/docker-${CID}.scope\n`, expected: undefined },
    { name: 'an empty file', text: '', expected: undefined },
  ];
  for (const c of cases) {
    test(`reads ${c.name}`, () => {
      assert.deepEqual(parseCgroupPodContainer(c.text), c.expected);
    });
  }
});
