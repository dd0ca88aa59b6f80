#!/bin/sh
# The tree follows .clang-format (fix with build-aux/format).
set -eu
cd "$AGENTFLOW_TOP_SRCDIR"
if ! command -v clang-format >/dev/null || ! command -v git >/dev/null || ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "clang-format or a git checkout is missing; formatting not checked" >&2
  exit 77
fi
exec build-aux/format --check
