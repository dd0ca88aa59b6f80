#!/bin/sh
# `agentflow --export` then `--import` keeps every sample agent whole (its
# source included), and the imported agent runs.
set -eu
bin="$AGENTFLOW_TOP_BUILDDIR/src/agentflow"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
AGENTFLOW_DATA_DIR="$dir"
AGENTFLOW_NO_SYSTEM_BUS=1
export AGENTFLOW_DATA_DIR AGENTFLOW_NO_SYSTEM_BUS
unset DISPLAY WAYLAND_DISPLAY

ids=$("$bin" --sandbox --list-agents | cut -d' ' -f1)
[ -n "$ids" ] || { echo "the sample workspace has no agents"; exit 1; }
n=0
for id in $ids; do
  "$bin" --sandbox --export "$id" "$dir/exported.json"
  grep -q '"source"' "$dir/exported.json" || { echo "$id: exported without its source"; exit 1; }
  copy=$("$bin" --sandbox --import "$dir/exported.json")
  [ "$copy" != "$id" ] || { echo "$id: the import did not make a new agent"; exit 1; }
  "$bin" --sandbox --export "$copy" "$dir/again.json"
  # The same file but for the id.
  grep -v '^  "id" :' "$dir/exported.json" >"$dir/a"
  grep -v '^  "id" :' "$dir/again.json" >"$dir/b"
  diff -u "$dir/a" "$dir/b" || { echo "$id: changed by export and import"; exit 1; }
  out=$("$bin" --sandbox --run-agent "$copy") || { printf '%s\n' "$out"; echo "$copy: the imported agent failed"; exit 1; }
  printf '%s\n' "$out" | grep -q 'Run finished' || { printf '%s\n' "$out"; echo "$copy: no finished run"; exit 1; }
  n=$((n + 1))
done

# A field this version cannot place is named, not dropped.
sed 's/^  "source" : .*/  "source" : "mail",\n  "colour" : "blue",/' "$dir/exported.json" >"$dir/unknown.json"
if err=$("$bin" --sandbox --import "$dir/unknown.json" 2>&1); then
  echo "an unknown field was accepted"; exit 1
fi
printf '%s\n' "$err" | grep -q 'colour: is not a field' || { printf '%s\n' "$err"; echo "unclear error"; exit 1; }
echo "cli export-import ok: $n agents"
