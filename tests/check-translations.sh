#!/bin/sh
# Every translation compiles cleanly (format strings match, header is valid).
set -eu
cd "$AGENTFLOW_TOP_SRCDIR/po"
for lang in $(sed 's/#.*//' LINGUAS); do
  msgfmt --check --statistics -o /dev/null "$lang.po"
done
