#!/bin/sh
# The D-Bus activation file names the application id and starts the service.
set -eu
cd "$AGENTFLOW_TOP_BUILDDIR/data"
f=$(ls org.agentflow.App*.service)
grep -qx 'Name=org.agentflow.App\(.Devel\)\?' "$f"
grep -q '^Exec=.*/agentflow --gapplication-service$' "$f"
grep -qx 'DBusActivatable=true' org.agentflow.App*.desktop
echo "service file ok: $f"
