#!/bin/sh
# Every file with translatable strings is listed in po/POTFILES.in, and every
# listed file exists.
set -eu
cd "$AGENTFLOW_TOP_SRCDIR"
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
status=0
for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in lists a missing file: $f"
    status=1
  fi
done
found=$( (grep -rlE '\b(N?_|C_|NC_|g_dngettext|ngettext) ?\(' --include='*.c' src
          grep -rl 'translatable="yes"' --include='*.ui' src
          ls data/*.desktop.in* data/*.metainfo.xml.in* data/*.gschema.xml 2>/dev/null) | sort -u)
for f in $found; do
  if ! printf '%s\n' "$listed" | grep -qx "$f"; then
    echo "has translatable strings but is not in po/POTFILES.in: $f"
    status=1
  fi
done
[ $status -eq 0 ] && echo "po/POTFILES.in covers $(printf '%s\n' "$listed" | wc -l) files"
exit $status
