#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turns the DaemonSet's pod spec into `docker run` arguments, as a kubelet would run that pod
on a Docker node, so the tests run the very manifest users apply (no Kubernetes here).

Usage: podspec_docker.py MANIFEST --config-dir DIR [--host-path SRC=DST]... [--no-cap-bpf]
Prints one argument per line: options, then the image, then the container's args.
--config-dir: where the ConfigMap's keys are written (mounted read-only in its place).
--host-path: a host path to use instead of the manifest's (e.g. a private Docker socket).
--no-cap-bpf: the engine predates CAP_BPF/CAP_PERFMON; grant CAP_SYS_ADMIN instead (what
  those capabilities were split from).
Understands exactly the fields the manifest uses; anything else is an error, so a manifest
change the test does not honour cannot pass unnoticed.
"""
import argparse
import os
import sys

import yaml

KNOWN_POD = {"serviceAccountName", "automountServiceAccountToken", "hostPID", "hostNetwork",
             "dnsPolicy", "priorityClassName", "tolerations", "terminationGracePeriodSeconds",
             "containers", "volumes"}
KNOWN_CTR = {"name", "image", "imagePullPolicy", "args", "ports", "securityContext",
             "resources", "livenessProbe", "volumeMounts"}
KNOWN_SC = {"privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsUser",
            "capabilities", "seccompProfile", "appArmorProfile"}


def fail(msg):
    sys.exit(f"podspec_docker: {msg}")


def unknown(where, obj, known):
    extra = set(obj) - known
    if extra:
        fail(f"{where}: fields this test does not translate: {', '.join(sorted(extra))}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manifest")
    ap.add_argument("--config-dir", required=True)
    ap.add_argument("--host-path", action="append", default=[])
    ap.add_argument("--no-cap-bpf", action="store_true")
    a = ap.parse_args()
    remap = dict(x.split("=", 1) for x in a.host_path)

    docs = [d for d in yaml.safe_load_all(open(a.manifest)) if d]
    ds = [d for d in docs if d.get("kind") == "DaemonSet"]
    if len(ds) != 1:
        fail(f"{a.manifest}: expected one DaemonSet, found {len(ds)}")
    cms = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
    pod = ds[0]["spec"]["template"]["spec"]
    unknown("pod spec", pod, KNOWN_POD)
    if len(pod["containers"]) != 1:
        fail("expected one container")
    c = pod["containers"][0]
    unknown("container", c, KNOWN_CTR)
    out = []
    if pod.get("hostPID"):
        out += ["--pid", "host"]
    if pod.get("hostNetwork"):
        out += ["--network", "host"]
    sc = c.get("securityContext", {})
    unknown("securityContext", sc, KNOWN_SC)
    if sc.get("privileged"):
        out.append("--privileged")
    if sc.get("allowPrivilegeEscalation") is False:
        out += ["--security-opt", "no-new-privileges"]
    if sc.get("readOnlyRootFilesystem"):
        out.append("--read-only")
    if "runAsUser" in sc:
        out += ["--user", str(sc["runAsUser"])]
    caps = sc.get("capabilities", {})
    for cap in caps.get("drop", []):
        out += ["--cap-drop", cap]
    added = set()
    for cap in caps.get("add", []):
        if a.no_cap_bpf and cap in ("BPF", "PERFMON"):
            cap = "SYS_ADMIN"
        if cap not in added:
            out += ["--cap-add", cap]
            added.add(cap)
    for key, opt in (("seccompProfile", "seccomp"), ("appArmorProfile", "apparmor")):
        prof = sc.get(key)
        if prof:
            if prof.get("type") != "Unconfined":
                fail(f"{key} {prof.get('type')}: only Unconfined is translated")
            out += ["--security-opt", f"{opt}=unconfined"]
    mem = c.get("resources", {}).get("limits", {}).get("memory")
    if mem:
        out += ["--memory", mem.replace("Mi", "m").replace("Gi", "g")]

    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        v = vols.get(m["name"])
        if v is None:
            fail(f"volumeMount {m['name']}: no such volume")
        ro = ":ro" if m.get("readOnly") else ""
        if "hostPath" in v:
            src = remap.get(v["hostPath"]["path"], v["hostPath"]["path"])
            if v["hostPath"].get("type") == "DirectoryOrCreate":
                os.makedirs(src, exist_ok=True)
            out += ["-v", f"{src}:{m['mountPath']}{ro}"]
        elif "configMap" in v:
            cm = cms.get(v["configMap"]["name"])
            if cm is None:
                fail(f"configMap {v['configMap']['name']}: not in {a.manifest}")
            os.makedirs(a.config_dir, exist_ok=True)
            for k, text in cm.get("data", {}).items():
                with open(os.path.join(a.config_dir, k), "w") as f:
                    f.write(text)
            out += ["-v", f"{os.path.abspath(a.config_dir)}:{m['mountPath']}:ro"]
        elif "emptyDir" in v:
            out += ["--tmpfs", m["mountPath"]]
        else:
            fail(f"volume {m['name']}: kind not translated")
    out.append(c["image"])
    out += c.get("args", [])
    print("\n".join(out))


if __name__ == "__main__":
    main()
