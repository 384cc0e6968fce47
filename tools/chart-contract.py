#!/usr/bin/env python3
"""Records the value paths a Helm chart reads, as facts: every key path of the chart's own
values.yaml at the tag of the pinned version (a local git mirror of the chart's repository).

usage: chart-contract.py CHART VERSION MIRROR_GIT_DIR REF VALUES_PATH [SUBCHART_ALIAS ...]

Prints the contract file stratoform-kubernetes/contracts/<CHART>@<VERSION>.paths: a header of
`#` lines (source, ref, file), then one JSON array per line, each the path of a key whose value
is not a non-empty mapping (a leaf: a scalar, a list, or a map the chart leaves open). Istio's
`_internal_defaults_do_not_set` wrapper is unwrapped (its keys are read at the top level). Each
SUBCHART_ALIAS, and each dependency of the chart's Chart.yaml, is recorded as an open prefix
`[alias, "*"]`: the keys below it are the subchart's, not checked here.
"""
import json, subprocess, sys
import yaml

chart, version, mirror, ref, path = sys.argv[1:6]
subs = sys.argv[6:]
text = subprocess.run(["git", "-C", mirror, "show", f"{ref}:{path}"], check=True,
                      capture_output=True, text=True).stdout
doc = yaml.safe_load(text) or {}
if "_internal_defaults_do_not_set" in doc:
    inner = doc.pop("_internal_defaults_do_not_set") or {}
    inner.update(doc)
    doc = inner
leaves = set()
def walk(node, at):
    if isinstance(node, dict) and node:
        for k, v in node.items():
            walk(v, at + [str(k)])
    elif at:
        leaves.add(json.dumps(at))
walk(doc, [])
chart_yaml = path.rsplit("/", 1)[0] + "/Chart.yaml" if "/" in path else "Chart.yaml"
meta = subprocess.run(["git", "-C", mirror, "show", f"{ref}:{chart_yaml}"], capture_output=True, text=True)
deps = (yaml.safe_load(meta.stdout) or {}).get("dependencies") or [] if meta.returncode == 0 else []
for d in deps:
    subs.append(d.get("alias") or d["name"])
for s in subs:
    leaves.add(json.dumps([s, "*"]))
print(f"# chart {chart} {version}: the key paths of its values.yaml")
print(f"# source: {mirror.split('/.mirror/')[-1].split('/')[0].replace('+', '/')} at {ref}, {path}")
for l in sorted(leaves):
    print(l)
