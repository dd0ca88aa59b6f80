#!/bin/sh
# The Flatpak manifest parses, pins every external source and builds the app
# from this checkout. (No GNOME runtime can be downloaded here, so this is an
# offline check, not a build.)
set -eu
manifest="$AGENTFLOW_TOP_SRCDIR/org.agentflow.App.json"
if ! command -v flatpak-builder >/dev/null; then
  echo "flatpak-builder is not installed; manifest not checked" >&2
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flatpak-builder --show-manifest "$manifest" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
if grep -i warning "$tmp/err"; then
  echo "flatpak-builder warns about the manifest" >&2
  exit 1
fi
/usr/bin/python3 - "$tmp/out" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
problems = []
assert m["id"] == "org.agentflow.App", "app id"
assert m["command"] == "agentflow", "command"
assert m["runtime"] == "org.gnome.Platform" and m["sdk"] == "org.gnome.Sdk", "runtime"
args = m.get("finish-args", [])
for forbidden in ("--filesystem=home", "--filesystem=host", "--talk-name=org.freedesktop.secrets",
                  "--socket=session-bus", "--socket=system-bus"):
    if forbidden in args:
        problems.append("finish-args must not contain " + forbidden)
for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11"):
    if needed not in args:
        problems.append("finish-args lacks " + needed)
def walk(modules):
    for mod in modules:
        if isinstance(mod, str):
            continue
        yield mod
        yield from walk(mod.get("modules", []))
mods = list(walk(m["modules"]))
app = mods[-1]
if app["name"] != "agentflow":
    problems.append("the last module must be the app")
if {"type": "dir", "path": "."} not in app["sources"]:
    problems.append("the app must build from this checkout (a dir source with path '.')")
for mod in mods:
    for src in mod.get("sources", []):
        if isinstance(src, str):
            continue
        t = src.get("type")
        if t in ("archive", "file") and "url" in src and "sha256" not in src:
            problems.append(f"{mod['name']}: {src['url']} has no sha256")
        if t == "git" and "commit" not in src:
            problems.append(f"{mod['name']}: git source {src.get('url')} has no commit")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"manifest ok: {len(mods)} module(s), runtime {m['runtime-version']}")
PY
