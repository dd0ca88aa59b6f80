#!/bin/sh
# The layers of DESIGN.md: a file only includes headers of its own folder
# or of the folders beneath it, so data flows down and never calls back up.
#   common < store < auth < services < engine < app < ui < src/ (main, CLI)
#   sandbox stands apart: it uses only common.
# Includes are by basename (every folder is an include directory), so each
# header's folder is found by its name under src/.
set -eu
cd "$AGENTFLOW_TOP_SRCDIR"

# folder → the folders it may include from, besides itself.
allowed () {
  case "$1" in
    core/common) echo "" ;;
    core/store) echo "core/common" ;;
    core/auth) echo "core/common core/store" ;;
    core/services) echo "core/common core/store core/auth" ;;
    core/engine) echo "core/common core/store core/auth core/services" ;;
    sandbox) echo "core/common" ;;
    app) echo "core/common core/store core/auth core/services core/engine sandbox" ;;
    ui) echo "core/common core/store core/auth core/services core/engine sandbox app" ;;
    .) echo "core/common core/store core/auth core/services core/engine sandbox app ui" ;;
    *) echo "unknown" ;;
  esac
}

map=$(mktemp)
trap 'rm -f "$map"' EXIT
find src -name '*.h' | sed 's|^src/||' | awk -F/ '{ f = $NF; d = $0; sub("/?[^/]*$", "", d); if (d == "") d = "."; print f, d }' | sort >"$map"

status=0
dups=$(awk '{ print $1 }' "$map" | uniq -d)
for h in $dups; do
  echo "$h exists in more than one folder ($(awk -v h="$h" '$1 == h { printf "src/%s ", $2 }' "$map")): includes by basename are ambiguous"
  status=1
done

for file in $(find src -name '*.c' -o -name '*.h' | sort); do
  rel=${file#src/}
  dir=$(dirname "$rel")
  ok=$(allowed "$dir")
  if [ "$ok" = unknown ]; then
    echo "$file: src/$dir is in no layer of tests/check-layers.sh; add it there"
    status=1
    continue
  fi
  for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file"); do
    hdir=$(awk -v h="$(basename "$h")" '$1 == h { print $2; exit }' "$map")
    [ -z "$hdir" ] && continue # generated (config.h, resources) or a library's
    [ "$hdir" = "$dir" ] && continue
    case " $ok " in
      *" $hdir "*) ;;
      *)
        echo "$file includes $h from src/$hdir, a layer above or beside src/$dir (see DESIGN.md, Layers)"
        status=1
        ;;
    esac
  done
done
[ $status -eq 0 ] && echo "every include goes down the layers"
exit $status
