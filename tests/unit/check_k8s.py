#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""The example Kubernetes manifest (docs/kubernetes/) is valid YAML and has
what its README promises: a ConfigMap whose JSON is an apply file of
version 1, a DaemonSet on the host network with exactly the documented
capabilities, the host's /sys/fs/bpf and the ConfigMap mounted. Skips
(exit 77) without PyYAML."""
import json
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed")
    sys.exit(77)

fails = 0


def check(cond, what):
    global fails
    if not cond:
        print("FAIL:", what)
        fails += 1


docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1])) if d}
check(set(docs) == {"ConfigMap", "DaemonSet"}, "a ConfigMap and a DaemonSet")
cm = docs.get("ConfigMap", {})
for name, text in cm.get("data", {}).items():
    cfg = json.loads(text)
    check(cfg.get("version") == 1, f"{name}: version 1")
    check(set(cfg) == {"version", "owner", "interfaces"}, f"{name}: only known keys")
ds = docs.get("DaemonSet", {})
pod = ds.get("spec", {}).get("template", {}).get("spec", {})
check(pod.get("hostNetwork") is True, "hostNetwork")
ctr = pod.get("containers", [{}])[0]
sc = ctr.get("securityContext", {})
check(sc.get("privileged") is False, "not privileged")
check(sorted(sc.get("capabilities", {}).get("add", [])) ==
      ["BPF", "NET_ADMIN", "PERFMON", "SYS_ADMIN"], "capabilities")
check(sc.get("capabilities", {}).get("drop") == ["ALL"], "drop ALL")
vols = {v["name"]: v for v in pod.get("volumes", [])}
mounts = {m["name"]: m["mountPath"] for m in ctr.get("volumeMounts", [])}
check(vols.get("bpffs", {}).get("hostPath", {}).get("path") == "/sys/fs/bpf", "bpffs hostPath")
check(mounts.get("bpffs") == "/sys/fs/bpf", "bpffs mounted at /sys/fs/bpf")
check(vols.get("config", {}).get("configMap", {}).get("name") ==
      cm.get("metadata", {}).get("name"), "the ConfigMap is the volume")
check(mounts.get("config") == "/etc/xdpchain", "config at /etc/xdpchain")
check("xdpchain apply" in " ".join(ctr.get("args", [])), "runs xdpchain apply")
if fails:
    sys.exit(1)
print("kubernetes manifest: ok")
