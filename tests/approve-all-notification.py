#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# "Approve all N" from a notification: the sandbox app, with an agent that
# asks before labelling, archiving and starring, shows one notification for
# the run's approvals; its button approves them all, each once.
#
# A notification server (org.freedesktop.Notifications, which GLib uses
# when GNOME Shell's is absent) on the test's session bus records what the
# app shows and clicks the button the way a desktop does (ActionInvoked).
#
# Usage: approve-all-notification.py PATH-TO-AGENTFLOW

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("a11y_walk", os.path.join(HERE, "a11y-walk.py"))
walk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(walk)

from gi.repository import Atspi, Gio, GLib  # noqa: E402

SERVER_XML = """
<node>
  <interface name='org.freedesktop.Notifications'>
    <method name='Notify'>
      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>
      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>
      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>
      <arg type='u' direction='out'/>
    </method>
    <method name='CloseNotification'><arg type='u' direction='in'/></method>
    <method name='GetCapabilities'><arg type='as' direction='out'/></method>
    <method name='GetServerInformation'>
      <arg type='s' direction='out'/><arg type='s' direction='out'/><arg type='s' direction='out'/>
      <arg type='s' direction='out'/>
    </method>
    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>
    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>
  </interface>
</node>
"""


class Server:
    def __init__(self, bus):
        self.bus = bus
        self.shown = {}  # id → (summary, body, actions)
        self.last_id = 0
        info = Gio.DBusNodeInfo.new_for_xml(SERVER_XML)
        bus.register_object("/org/freedesktop/Notifications", info.interfaces[0], self.call, None, None)
        self.owned = False
        Gio.bus_own_name_on_connection(bus, "org.freedesktop.Notifications", Gio.BusNameOwnerFlags.NONE,
                                       self.on_acquired, None)

    def on_acquired(self, *args):
        self.owned = True

    def call(self, connection, sender, path, interface, method, params, invocation):
        if method == "Notify":
            _app, replaces, _icon, summary, body, actions, _hints, _timeout = params.unpack()
            nid = replaces or self.last_id + 1
            self.last_id = max(self.last_id, nid)
            self.shown[nid] = (summary, body, actions)
            invocation.return_value(GLib.Variant("(u)", (nid,)))
        elif method == "CloseNotification":
            self.shown.pop(params.unpack()[0], None)
            invocation.return_value(None)
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        else:
            invocation.return_value(GLib.Variant("(ssss)", ("test", "agentflow", "1", "1.2")))

    def find_button(self, prefix):
        for nid, (summary, body, actions) in self.shown.items():
            for key, label in zip(actions[::2], actions[1::2]):
                if label.startswith(prefix):
                    return nid, key, label, summary, body
        return None

    def click(self, nid, key):
        # As a desktop does: the action, then the notification closes
        # (reason 2: dismissed by the user), as it is not resident.
        self.bus.emit_signal(None, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                             "ActionInvoked", GLib.Variant("(us)", (nid, key)))
        self.shown.pop(nid, None)
        self.bus.emit_signal(None, "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
                             "NotificationClosed", GLib.Variant("(uu)", (nid, 2)))


def count(db, sql, *args):
    with sqlite3.connect(db) as c:
        return c.execute(sql, args).fetchone()[0]


def main():
    exe = sys.argv[1]
    data = tempfile.mkdtemp(prefix="af-approve-all-")
    env = dict(os.environ, AGENTFLOW_DATA_DIR=data, GDK_DEBUG="gl-disable")
    env.pop("NO_AT_BRIDGE", None)
    if "AF_A11Y_WALK_G_DEBUG" in env:
        env["G_DEBUG"] = env.pop("AF_A11Y_WALK_G_DEBUG")
    db = os.path.join(data, "sandbox", "agentflow.db")

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    server = Server(bus)
    walk.wait_for("the notification server's name", lambda: server.owned)
    walk.add_asking_agent(exe, env)
    careful = count(db, "SELECT id FROM agents WHERE name = 'Careful Assistant'")

    print("1..3")
    walk.wait_name_free(bus)
    proc = subprocess.Popen([exe, "--sandbox"], env=env, stdout=sys.stderr, stderr=sys.stderr)
    try:
        Atspi.init()
        app = walk.wait_for("AgentFlow on the accessibility bus", lambda: walk.find_app(proc.pid))
        app.set_cache_mask(Atspi.Cache.NONE)
        window = walk.wait_for("the main window", lambda: walk.main_window(app))
        actions = Gio.DBusActionGroup.get(bus, walk.APP_ID, "/" + walk.APP_ID.replace(".", "/"))
        actions.activate_action("open-view", GLib.Variant("s", "agents"))
        run = walk.wait_for("the Careful Assistant's Run button",
                            lambda: walk.fresh(window) and walk.find_named(
                                window, Atspi.Role.PUSH_BUTTON, "Run Careful Assistant now"))
        run.do_action(0)

        try:
            found = walk.wait_for("an “Approve all” notification", lambda: server.find_button("Approve all "), 60)
        except SystemExit:
            print(f"# shown: {server.shown}")
            print("# pending:", count(db, "SELECT count(*) FROM approvals WHERE state = 'pending'"))
            raise
        nid, key, label, summary, body = found
        pending = count(db, "SELECT count(*) FROM approvals WHERE agent_id = ? AND state = 'pending'", careful)
        print(f"# “{summary}” — {body} [{label}] → {key}")
        ok = label == f"Approve all {pending}" and pending > 1 and body.startswith(f"{pending} actions:")
        print(f"{'ok' if ok else 'not ok'} 1 - one notification for the run's {pending} approvals, in words")

        server.click(nid, key)
        walk.wait_for("the approvals to be carried out", lambda: count(
            db, "SELECT count(*) FROM outbox WHERE agent_id = ? AND state IN ('waiting', 'executing')", careful) == 0,
            60)
        approved = count(db, "SELECT count(*) FROM approvals WHERE agent_id = ? AND state = 'approved'", careful)
        done = count(db, "SELECT count(*) FROM outbox WHERE agent_id = ? AND state = 'done'", careful)
        logged = count(db, "SELECT count(*) FROM activity WHERE agent_id = ? AND kind = 'action-done'", careful)
        print(f"# {approved} approved, {done} done, {logged} in the activity log")
        ok = approved == pending and done == pending and logged == pending
        print(f"{'ok' if ok else 'not ok'} 2 - “Approve all” carried out each exactly once")

        # Nothing of the run is offered again once it is done.
        left = [v for v in server.shown.values() if "Careful Assistant" in v[0]]
        print(f"{'ok' if not left else 'not ok'} 3 - no notification asks again: {left}")
        return 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
