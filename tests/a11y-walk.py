#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Walks the accessibility tree of AgentFlow's main window, as a screen
# reader sees it through AT-SPI, on every page of the sandbox workspace,
# and fails on any control that can take keyboard focus but has no name,
# or on two buttons of a page with the same name (88 "Approve" buttons a
# screen reader cannot tell apart).
#
# Usage: a11y-walk.py PATH-TO-AGENTFLOW
# Needs Xvfb, a session bus and the accessibility bus (build-aux/test).

import os
import re
import subprocess
import sys
import time

# The app runs with the test environment's fatal criticals; this client
# does not: libatspi 2.46 logs a critical when the app's cache changes
# while it is read, which is no fault of the app.
if os.environ.get("G_DEBUG") and "AF_A11Y_WALK_G_DEBUG" not in os.environ:
    env = dict(os.environ, AF_A11Y_WALK_G_DEBUG=os.environ["G_DEBUG"])
    del env["G_DEBUG"]
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import gi  # noqa: E402

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402

APP_ID = "org.agentflow.App.Sandbox"
# Page → the window's title while it shows.
PAGES = {"dashboard": "Dashboard", "agents": "Agents", "approvals": "Approvals", "integrations": "Integrations"}
# Roles a person operates: these need a name.
INTERACTIVE = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX, Atspi.Role.RADIO_BUTTON,
    Atspi.Role.LIST_ITEM, Atspi.Role.TEXT, Atspi.Role.ENTRY, Atspi.Role.PASSWORD_TEXT, Atspi.Role.COMBO_BOX,
    Atspi.Role.SLIDER, Atspi.Role.SPIN_BUTTON, Atspi.Role.MENU_ITEM, Atspi.Role.LINK,
    Atspi.Role.TABLE_CELL, Atspi.Role.TREE_ITEM, Atspi.Role.LIST, Atspi.Role.TABLE, Atspi.Role.TREE,
    Atspi.Role.LIST_BOX,
}


def wait_for(what, predicate, timeout=20.0):
    """Polls @predicate (the app registers with the bus asynchronously)."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        while context.pending():
            context.iteration(False)
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"Bail out! timed out waiting for {what}")


def find_app(pid):
    """The app of process @pid: one of an earlier test may still be listed."""
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except GLib.Error:
            pass
    return None


def main_window(app):
    for i in range(app.get_child_count()):
        window = app.get_child_at_index(i)
        if window is not None and window.get_state_set().contains(Atspi.StateType.SHOWING):
            return window
    return None


# GTK 4.8 names an accessible without a label after its type
# ("GtkToggleButton"): to a person that is no name.
TYPE_NAME = re.compile(r"^(Gtk|Adw|Af)[A-Z][A-Za-z]*$")
# Lists and their rows hold further controls (a row's buttons); other
# controls are one stop each.
CONTAINERS = {Atspi.Role.LIST, Atspi.Role.LIST_BOX, Atspi.Role.TABLE, Atspi.Role.TREE, Atspi.Role.LIST_ITEM,
              Atspi.Role.TABLE_CELL, Atspi.Role.TREE_ITEM}


def shown(node):
    """GTK 4.8 sets no "showing" state: a widget that is not on screen (a
    hidden stack page) has an empty area. Non-widgets (stack pages) have
    none and are looked into."""
    try:
        extents = node.get_extents(Atspi.CoordType.WINDOW)
    except GLib.Error:
        return True
    return extents.width > 0 and extents.height > 0


def walk(node, path, found, skip=()):
    try:
        states = node.get_state_set()
        role = node.get_role()
        name = node.get_name() or ""
        role_name = node.get_role_name()
    except GLib.Error:
        return
    if not states.contains(Atspi.StateType.VISIBLE) or not shown(node):
        return
    # The window's other pages: hidden, but GTK 4.8 keeps their last size.
    if role == Atspi.Role.PANEL and name in skip:
        return
    here = f"{path}/{role_name}" + (f"[{name}]" if name else "")
    if states.contains(Atspi.StateType.FOCUSABLE) and role in INTERACTIVE:
        found.append((here, role, "" if TYPE_NAME.match(name) else name))
        if role not in CONTAINERS:
            return
    for i in range(node.get_child_count()):
        child = node.get_child_at_index(i)
        if child is not None:
            walk(child, here, found, skip)


def add_asking_agent(exe, env):
    """The sample workspace asks for nothing: a copy of its Email Assistant
    that asks first for everything leaves approvals on the Approvals page
    once the app has run it."""
    import json
    import tempfile

    listing = subprocess.run([exe, "--sandbox", "--list-agents"], env=env, check=True, capture_output=True, text=True)
    agent_id = next(line.split()[0] for line in listing.stdout.splitlines() if "email-assistant" in line)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "agent.json")
        subprocess.run([exe, "--sandbox", "--export", agent_id, path], env=env, check=True, capture_output=True)
        with open(path) as f:
            agent = json.load(f)
        agent.pop("id", None)
        agent["name"] = "Careful Assistant"
        agent["approvals"] = {a: "ask" for a in ("label", "archive", "star", "mark_read", "draft")}
        with open(path, "w") as f:
            json.dump(agent, f)
        subprocess.run([exe, "--sandbox", "--import", path], env=env, check=True, capture_output=True)


def find_named(node, role, name, prefix=False):
    try:
        if node.get_role() == role and (node.get_name() or "").startswith(name) if prefix else node.get_name() == name:
            if node.get_role() == role:
                return node
        for i in range(node.get_child_count()):
            child = node.get_child_at_index(i)
            found = child and find_named(child, role, name, prefix)
            if found:
                return found
    except GLib.Error:
        pass
    return None


def focused(node):
    try:
        if node.get_state_set().contains(Atspi.StateType.FOCUSED):
            return node
        for i in range(node.get_child_count()):
            child = node.get_child_at_index(i)
            found = child and focused(child)
            if found:
                return found
    except GLib.Error:
        pass
    return None


def inside(node, name):
    while node is not None:
        if node.get_name() == name:
            return True
        node = node.get_parent()
    return False


def tab_leaves(window, row_prefix, list_name):
    """Clicks a row of the list (its title: harmless), presses Tab, both
    synthesized through the accessibility bus as an on-screen keyboard
    does, and returns the name of what has the focus then, if it is outside
    the list."""
    row = find_named(window, Atspi.Role.LIST_ITEM, row_prefix, True)
    if row is None:
        return None
    box = row.get_extents(Atspi.CoordType.SCREEN)
    Atspi.generate_mouse_event(box.x + 24, box.y + 12, "b1c")
    start = wait_for("the focus in the list", lambda: (focused(window) is not None
                                                       and inside(focused(window), list_name)
                                                       and focused(window)))
    Atspi.generate_keyboard_event(0xff09, None, Atspi.KeySynthType.SYM)  # Tab
    after = wait_for("the focus to move", lambda: (focused(window) is not None
                                                   and focused(window).get_name() != start.get_name()
                                                   and focused(window)))
    print(f"# Tab from “{start.get_name()}” went to “{after.get_name()}”")
    return None if inside(after, list_name) else after.get_name()


def fresh(node):
    """Names change as approvals come and go: forget what was read."""
    node.clear_cache()
    return True


def wait_name_free(bus):
    """A sandbox app of an earlier test may still be closing: a new one
    would hand its launch over to it and exit."""
    def free():
        reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                              "NameHasOwner", GLib.Variant("(s)", (APP_ID,)), None, Gio.DBusCallFlags.NONE, -1, None)
        return not reply.unpack()[0]
    wait_for(f"{APP_ID} to be free", free, 30)


def main():
    exe = sys.argv[1]
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    if "AF_A11Y_WALK_G_DEBUG" in env:
        env["G_DEBUG"] = env.pop("AF_A11Y_WALK_G_DEBUG")
    env.pop("GTK_A11Y", None)
    env["GDK_DEBUG"] = "gl-disable"
    add_asking_agent(exe, env)
    wait_name_free(Gio.bus_get_sync(Gio.BusType.SESSION, None))
    proc = subprocess.Popen([exe, "--sandbox"], env=env, stdout=sys.stderr, stderr=sys.stderr)
    failures = []
    tests = 0
    try:
        Atspi.init()
        app = wait_for("AgentFlow on the accessibility bus", lambda: find_app(proc.pid))
        # Rows of a list view are reused for other agents as they scroll:
        # never read a name from the cache.
        app.set_cache_mask(Atspi.Cache.NONE)
        window = wait_for("the main window", lambda: main_window(app))
        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        actions = Gio.DBusActionGroup.get(bus, APP_ID, "/" + APP_ID.replace(".", "/"))
        print(f"1..{len(PAGES) + 1}")
        for page in PAGES:
            tests += 1
            if page == "approvals":
                # Run the asking agent from its row, as a person would, and
                # wait for its approvals (the sidebar says how many).
                run = wait_for("the Careful Assistant's Run button",
                               lambda: fresh(window) and find_named(
                    window, Atspi.Role.PUSH_BUTTON, "Run Careful Assistant now"))
                run.do_action(0)
                try:
                    wait_for("approvals to wait", lambda: fresh(window) and find_named(
                        window, Atspi.Role.LIST_ITEM, "Approvals, ", True), 60)
                except SystemExit:
                    seen = []
                    walk(window, "", seen)
                    for path, role, name in seen:
                        print(f"#   {Atspi.role_get_name(role)}: {name}")
                    raise
            actions.activate_action("open-view", GLib.Variant("s", page))

            def title_is(node, title):
                try:
                    if node.get_role() == Atspi.Role.LABEL and node.get_name() == title and shown(node):
                        parent = node.get_parent()
                        while parent is not None and parent.get_name() != "AdwWindowTitle":
                            parent = parent.get_parent()
                        if parent is not None:
                            return True
                    return any(title_is(node.get_child_at_index(i), title) for i in range(node.get_child_count()))
                except GLib.Error:
                    return False

            wait_for(f"the {page} page to show", lambda: title_is(window, PAGES[page]))

            def settled():
                # The page's controls are on screen once two walks agree.
                first, second = [], []
                others = [t for p, t in PAGES.items() if p != page] + ["Agent"]
                fresh(window)
                walk(window, "", first, others)
                time.sleep(0.3)
                walk(window, "", second, others)
                return second if first and [f[0] for f in first] == [s[0] for s in second] else None

            controls = wait_for(f"the {page} page", settled)
            unnamed = [c[0] for c in controls if not c[2].strip()]
            names = {}
            for path, role, name in controls:
                if role in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON) and name:
                    names.setdefault(name, []).append(path)
            same = {n: p for n, p in names.items() if len(p) > 1}
            print(f"# {page}: {len(controls)} focusable controls")
            for path, role, name in controls:
                print(f"#   {Atspi.role_get_name(role)}: {name or '(no name)'}")
            for path in unnamed:
                print(f"# unnamed: {path}")
            for name, paths in same.items():
                print(f"# {len(paths)} buttons named “{name}”")
            if unnamed or same:
                failures.append(page)
                print(f"not ok {tests} - {page}: {len(unnamed)} unnamed, {len(same)} names repeated")
            else:
                print(f"ok {tests} - {page}: every control has a name of its own")
            if page == "approvals":
                tests += 1
                left = tab_leaves(window, "Careful Assistant: ", "Pending approvals, by agent and run")
                print(f"{'ok' if left else 'not ok'} {tests} - Tab leaves the approvals list in one step: {left}")
                if not left:
                    failures.append("keyboard")

    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
