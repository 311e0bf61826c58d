#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""The Kubernetes manifest (docs/kubernetes/) is valid YAML and has what
its README promises: a ConfigMap whose JSON is an apply file of version
1, a DaemonSet on the host network running `xdpchain apply --watch` on
the ConfigMap's mount with exactly the documented capabilities (not
privileged, read-only root), the host's /sys/fs/bpf and the ConfigMap
mounted, a readiness probe on the file the watcher writes (on an
emptyDir), resource limits; tests/container/run.sh runs the pod.

Debian 12 packages no Kubernetes schema validator (kubeconform, kubeval:
none; kubectl validates against a server's schema). Its Kubernetes Python
client (python3-kubernetes, API 1.22) has the API's object models,
generated from its OpenAPI schema: where it is installed, every key of
both objects is checked to be a field of its type in that schema, with a
value of the field's type (an unknown or misspelt key fails, as
`kubectl --validate=strict` would). Skips (exit 77) without PyYAML."""
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
    check(name.endswith(".json"), f"{name}: a *.json key (the watcher applies those)")
    check(cfg.get("version") == 1, f"{name}: version 1")
    check(set(cfg) == {"version", "owner", "interfaces"}, f"{name}: only known keys")
ds = docs.get("DaemonSet", {})
check(ds.get("apiVersion") == "apps/v1", "DaemonSet apiVersion apps/v1")
tmpl = ds.get("spec", {}).get("template", {})
check(ds.get("spec", {}).get("selector", {}).get("matchLabels", {}).items()
      <= tmpl.get("metadata", {}).get("labels", {}).items(), "the selector matches the pod's labels")
pod = tmpl.get("spec", {})
check(pod.get("hostNetwork") is True, "hostNetwork")
ctr = pod.get("containers", [{}])[0]
sc = ctr.get("securityContext", {})
check(sc.get("privileged") is False, "not privileged")
check(sc.get("allowPrivilegeEscalation") is False, "no privilege escalation")
check(sc.get("readOnlyRootFilesystem") is True, "read-only root")
check(sorted(sc.get("capabilities", {}).get("add", [])) == ["BPF", "NET_ADMIN", "PERFMON"],
      "capabilities: BPF, NET_ADMIN, PERFMON (docs/security.md)")
check(sc.get("capabilities", {}).get("drop") == ["ALL"], "drop ALL")
check(sc.get("seccompProfile", {}).get("type") == "Unconfined",
      "seccomp Unconfined (default profiles filter bpf() without SYS_ADMIN)")
vols = {v["name"]: v for v in pod.get("volumes", [])}
mounts = {m["name"]: m["mountPath"] for m in ctr.get("volumeMounts", [])}
check(vols.get("bpffs", {}).get("hostPath", {}).get("path") == "/sys/fs/bpf", "bpffs hostPath")
check(mounts.get("bpffs") == "/sys/fs/bpf", "bpffs mounted at /sys/fs/bpf")
check(vols.get("config", {}).get("configMap", {}).get("name") ==
      cm.get("metadata", {}).get("name"), "the ConfigMap is the volume")
check(mounts.get("config") == "/etc/xdpchain", "config at /etc/xdpchain")
argv = ctr.get("command", []) + ctr.get("args", [])
check(argv[:1] == ["/usr/sbin/xdpchain"], "runs xdpchain itself (no shell loop)")
check(argv[1:3] == ["apply", "--watch"] and argv[-1] == "/etc/xdpchain",
      "xdpchain apply --watch ... /etc/xdpchain")
ready = argv[argv.index("--ready") + 1] if "--ready" in argv[:-1] else None
check(ready is not None, "--ready FILE")
probe = ctr.get("readinessProbe", {}).get("exec", {}).get("command", [])
check(ready is not None and probe[-1:] == [ready] and "test" in probe[0],
      "the readiness probe tests the --ready file")
run = mounts.get("run", "")
check("emptyDir" in vols.get("run", {}) and ready is not None and
      ready.startswith(run.rstrip("/") + "/"), "the --ready file on an emptyDir")
limits = ctr.get("resources", {}).get("limits", {})
check("memory" in limits and "cpu" in limits, "memory and cpu limits")
check(pod.get("terminationGracePeriodSeconds", 0) > 0, "a grace period for SIGTERM")


def schema_client():
    try:
        import kubernetes.client
    except ImportError:
        # Debian's package, under another interpreter (pyenv, venv).
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import kubernetes.client
        except ImportError:
            return None
    return kubernetes.client


def schema_walk(client, value, typ, path):
    """value against the OpenAPI type name typ of the client's models."""
    if typ.startswith("list["):
        check(isinstance(value, list), f"{path}: a list")
        for i, v in enumerate(value if isinstance(value, list) else []):
            schema_walk(client, v, typ[5:-1], f"{path}[{i}]")
    elif typ.startswith("dict("):
        check(isinstance(value, dict), f"{path}: a map")
        inner = typ[typ.index(",") + 1:-1].strip()
        for k, v in (value.items() if isinstance(value, dict) else []):
            schema_walk(client, v, inner, f"{path}.{k}")
    elif typ in ("str", "int", "bool", "float"):
        want = {"str": str, "int": int, "bool": bool, "float": (int, float)}[typ]
        check(isinstance(value, want) and (typ == "bool" or not isinstance(value, bool)),
              f"{path}: a {typ}, not {value!r}")
    elif typ == "object":
        pass  # IntOrString, arbitrary JSON
    else:
        model = getattr(client, typ)
        check(isinstance(value, dict), f"{path}: an object ({typ})")
        keys = {v: k for k, v in model.attribute_map.items()}
        for k, v in (value.items() if isinstance(value, dict) else []):
            check(k in keys, f"{path}.{k}: not a field of {typ}")
            if k in keys:
                schema_walk(client, v, model.openapi_types[keys[k]], f"{path}.{k}")


client = schema_client()
if client:
    for kind, doc in docs.items():
        schema_walk(client, doc, f"V1{kind}", kind)
else:
    print("note: python3-kubernetes is not installed: the schema is not checked")
if fails:
    sys.exit(1)
print("kubernetes manifest: ok" + (" (schema: python3-kubernetes %s)" % __import__(
    "kubernetes").__version__ if client else ""))
