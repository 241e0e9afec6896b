#!/usr/bin/python3
# test-a11y.py: Layer Keys as a screen-reader user meets it, through AT-SPI.
#
# Starts the accessibility bus, runs layer-keys with GTK_A11Y=atspi and
# drives the whole flow by accessible names and keys only: the demo sign-in,
# the list, New Key with a preset, the secret page, Done, the new row, Delete
# from the keyboard and its confirmation.  After every step it walks the whole
# accessible tree (as Orca's flat review or Accerciser do) and checks that the
# app is still alive and that no control a user can reach is unnamed or named
# after its class ("GtkButton", "AdwGizmo"...), and asks the root for a window
# past the last one, as a reader with a stale count does (issue 13).
#
# GTK 4.8 implements neither Component.GrabFocus nor EditableText, so focus
# moves with Tab and text is typed, as a keyboard user does.  Key synthesis
# types are not flags: a chord is LOCKMODIFIERS, SYM, UNLOCKMODIFIERS.
#
# Run by meson in the 'session' suite (build-aux/dev test); TAP output.
# Environment: LK_BUILD_ROOT (the build directory).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import signal
import subprocess
import sys
import time

# A session of its own (D-Bus, an unlocked keyring, an X server no other
# test has touched) comes from meson: every test runs in
# build-aux/private-session.  In a session shared with the other GTK tests,
# the accessibility bus they activated and the X server's focus once left
# Ctrl+N unanswered.

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

BUILD = os.environ.get('LK_BUILD_ROOT') or (sys.argv[1] if len(sys.argv) > 1 else 'build')
# Under the sanitizers (build-aux/dev test --sanitize) everything is slower:
# every wait stretches by LK_TEST_SLOWDOWN, as in the C tests.
SLOWDOWN = max(1, int(os.environ.get('LK_TEST_SLOWDOWN', '1') or '1'))
DEADLINE = time.monotonic() + 200 * SLOWDOWN  # the whole test stays well under meson's timeout

# Roles a user reaches with Tab, a pointer or a screen reader's review, and
# that must therefore carry a human name.
CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.MENU_ITEM, Atspi.Role.CHECK_MENU_ITEM,
    Atspi.Role.RADIO_MENU_ITEM, Atspi.Role.TEXT, Atspi.Role.ENTRY,
    Atspi.Role.PASSWORD_TEXT, Atspi.Role.COMBO_BOX, Atspi.Role.LIST_ITEM,
    Atspi.Role.TABLE_CELL, Atspi.Role.LINK, Atspi.Role.SPIN_BUTTON,
    Atspi.Role.SLIDER, Atspi.Role.PAGE_TAB,
    Atspi.Role.TABLE_ROW, Atspi.Role.TREE_ITEM, Atspi.Role.TABLE_COLUMN_HEADER,
}
# Those whose name may come from what they contain (ARIA "name from content").
NAME_FROM_CONTENT = {Atspi.Role.LIST_ITEM, Atspi.Role.TABLE_CELL, Atspi.Role.TREE_ITEM,
                     Atspi.Role.TABLE_ROW}

KS = Atspi.KeySynthType
KEY_TAB = 0xff09
KEY_ISO_LEFT_TAB = 0xfe20
KEY_RETURN = 0xff0d
KEY_SPACE = 0x20
KEY_DELETE = 0xffff
KEY_ESCAPE = 0xff1b
KEY_DOWN = 0xff54
KEY_UP = 0xff52
KEY_MENU = 0xff67
KEY_F10 = 0xffc7
KEY_QUESTION = 0x3f
MOD_SHIFT = 1 << 0
MOD_CONTROL = 1 << 2

n_tests = 0
failed = False
app_proc = None


def out(line):
    print(line, flush=True)


def ok(cond, what, detail=None):
    global n_tests, failed
    n_tests += 1
    out(('ok %d - %s' if cond else 'not ok %d - %s') % (n_tests, what))
    if not cond:
        failed = True
        if detail:
            for line in str(detail).splitlines():
                out('# ' + line)
    return cond


def bail(why):
    out('Bail out! ' + why)
    finish(1)


def finish(rc=None):
    if app_proc is not None and app_proc.poll() is None:
        app_proc.terminate()
        try:
            app_proc.wait(5)
        except subprocess.TimeoutExpired:
            app_proc.kill()
    out('1..%d' % n_tests)
    sys.exit(rc if rc is not None else (1 if failed else 0))


def check_deadline():
    if time.monotonic() > DEADLINE:
        bail('took longer than the time allowed')


def wait_for(pred, timeout=10.0, what='a condition'):
    end = time.monotonic() + timeout * SLOWDOWN
    while True:
        check_deadline()
        try:
            value = pred()
        except GLib.Error:
            value = None
        if value:
            return value
        if app_proc.poll() is not None:
            bail('layer-keys died (status %s) while waiting for %s' % (app_proc.returncode, what))
        if time.monotonic() > end:
            return None
        time.sleep(0.2)


from gi.repository import GLib  # noqa: E402


# ---- The keyboard ----

def key(keysym, mods=0):
    if mods:
        Atspi.generate_keyboard_event(mods, None, KS.LOCKMODIFIERS)
    Atspi.generate_keyboard_event(keysym, None, KS.SYM)
    if mods:
        Atspi.generate_keyboard_event(mods, None, KS.UNLOCKMODIFIERS)
    time.sleep(0.15)


def type_text(text):
    Atspi.generate_keyboard_event(0, text, KS.STRING)
    time.sleep(0.3)


# ---- The tree ----

def role(acc):
    try:
        return acc.get_role()
    except GLib.Error:
        return None


def name(acc):
    """The accessible name, without GTK 4.8's mnemonic echo ("_Next Next")."""
    try:
        n = acc.get_name() or ''
    except GLib.Error:
        return ''
    for cut in range(len(n)):
        if n[cut] == ' ' and n[:cut].replace('_', '') == n[cut + 1:] and '_' in n[:cut]:
            return n[cut + 1:]
    return n


def children(acc):
    try:
        n = acc.get_child_count()
    except GLib.Error:
        return []
    kids = []
    for i in range(n):
        try:
            c = acc.get_child_at_index(i)
        except GLib.Error:
            continue
        if c is not None:
            kids.append(c)
    return kids


def has_state(acc, state):
    try:
        return acc.get_state_set().contains(state)
    except GLib.Error:
        return False


def descendants(acc, limit=20000):
    stack = [acc]
    seen = 0
    while stack and seen < limit:
        a = stack.pop()
        seen += 1
        yield a
        stack.extend(reversed(children(a)))


def text_within(acc):
    for d in descendants(acc, 200):
        if d is not acc and role(d) in (Atspi.Role.LABEL, Atspi.Role.STATIC) and name(d).strip():
            return True
    return False


def class_named(n):
    return n.startswith('Gtk') or n.startswith('Adw')


def where(acc):
    """The path of roles and names from the window down, for messages."""
    parts = []
    a = acc
    for _ in range(40):
        if a is None:
            break
        try:
            parts.append('%s %r' % (a.get_role_name(), name(a)))
            a = a.get_parent()
        except GLib.Error:
            break
        if a is not None and role(a) == Atspi.Role.APPLICATION:
            break
    return ' < '.join(parts[:6])


def nameless_controls(app):
    """Every control in the tree a user can reach, unnamed or named after its class."""
    bad = []
    for a in descendants(app):
        r = role(a)
        if r not in CONTROL_ROLES:
            continue
        # Hidden widgets (gtk_widget_get_visible () false) cannot be reached.
        if not has_state(a, Atspi.StateType.VISIBLE):
            continue
        n = name(a).strip()
        if class_named(n):
            bad.append('%s named after its class: %s' % (a.get_role_name(), where(a)))
        elif not n and not (r in NAME_FROM_CONTENT and text_within(a)):
            bad.append('unnamed %s: %s' % (a.get_role_name(), where(a)))
    return bad


def walk_whole_tree(app):
    """What Orca's flat review does: every node, every property a reader asks."""
    n = 0
    for a in descendants(app):
        n += 1
        try:
            a.get_role_name()
            a.get_name()
            a.get_description()
            a.get_state_set()
            a.get_index_in_parent()
            a.get_relation_set()
            a.get_parent()
        except GLib.Error:
            pass
    return n


def ask_past_the_windows(app):
    """Asks the root for windows past the last one, as a reader does whose
    count of windows is stale (a dialog just closed).

    GTK 4.8 answers such an index with its last toplevel, visible or not
    (gtkatspiroot.c, GetChildAtIndex); a window never shown has no path
    there, and the app died building a reply from it (issue 13).  So the
    app must keep no hidden window (src/ui/lk-shortcuts.c).
    """
    try:
        n = app.get_child_count()
    except GLib.Error:
        return
    for idx in (n, n + 1):
        try:
            app.get_child_at_index(idx)
        except GLib.Error:
            pass


def check_step(app, step):
    """After every step: the whole tree answers, the app lives, every control has a name."""
    # Walked twice: once for every property, once for the names after the
    # main loop had time to finish what the step started.
    count = walk_whole_tree(app)
    ask_past_the_windows(app)
    time.sleep(0.3)
    # A root that dies answers nothing; ask its windows once more.
    try:
        app.clear_cache()
        windows = [name(w) for w in children(app)]
    except GLib.Error as e:
        windows = ['error: %s' % e.message]
    alive = app_proc.poll() is None
    ok(alive, '%s: layer-keys is alive after walking %d nodes' % (step, count),
       'exit status %s; windows %s' % (app_proc.returncode, windows))
    if not alive:
        bail('layer-keys died after "%s"' % step)
    bad = nameless_controls(app)
    ok(not bad, '%s: every reachable control has a human name' % step, '\n'.join(bad))


def window(app, title, timeout=10.0):
    def find():
        for w in children(app):
            if name(w) == title:
                return w
        return None
    return wait_for(find, timeout, 'the window "%s"' % title)


def find(root, roles, label, timeout=10.0, visible=True):
    if not isinstance(roles, (tuple, set, list)):
        roles = (roles,)

    def look():
        for a in descendants(root):
            if role(a) in roles and name(a) == label and \
               (not visible or has_state(a, Atspi.StateType.VISIBLE)):
                return a
        return None
    return wait_for(look, timeout, '%s "%s"' % ('/'.join(str(r) for r in roles), label))


def point_at(win):
    """Puts the pointer over a window.

    Without a window manager, X gives the keyboard to the window under the
    pointer (PointerRoot), so this is what "the window has the focus" means
    in the test's Xvfb.
    """
    try:
        e = win.get_extents(Atspi.CoordType.WINDOW)
        x, y = e.x + min(e.width // 2, 200), e.y + min(e.height // 2, 200)
    except GLib.Error:
        x, y = 100, 100
    Atspi.generate_mouse_event(max(x, 5), max(y, 5), 'abs')
    time.sleep(0.2)


def press_button(acc):
    """Activates a button through its AT-SPI action, as a screen reader does."""
    try:
        acc.do_action(0)
    except GLib.Error as e:
        ok(False, 'the action of %s' % where(acc), e.message)
    time.sleep(0.3)


def focus_by_tab(acc, what, max_tabs=60, backwards=False):
    """Tabs (or Shift+Tabs) until acc has the keyboard focus; returns whether it got there."""
    def focused():
        return any(has_state(a, Atspi.StateType.FOCUSED) for a in descendants(acc, 30))
    for _ in range(max_tabs):
        if focused():
            return True
        if backwards:
            key(KEY_ISO_LEFT_TAB, MOD_SHIFT)
        else:
            key(KEY_TAB)
    return focused()


def ancestor(acc, r):
    """The nearest ancestor of acc (or acc) with role r, else acc."""
    a = acc
    for _ in range(10):
        if a is None:
            break
        if role(a) == r:
            return a
        try:
            a = a.get_parent()
        except GLib.Error:
            break
    return acc


def focus_by_key(acc, keysym, mods, max_presses):
    """Presses a key until acc (or what it holds) has the keyboard focus."""
    def focused():
        return any(has_state(a, Atspi.StateType.FOCUSED) for a in descendants(acc, 30))
    for _ in range(max_presses):
        if focused():
            return True
        key(keysym, mods)
    return focused()


def checked(acc):
    return has_state(acc, Atspi.StateType.CHECKED)


def showing_menu_items(root):
    """The items of the open menus under root (GTK 4.8 sets no SHOWING state:
    a closed popover menu leaves the tree, its items stay VISIBLE)."""
    items = []
    for m in descendants(root):
        if role(m) == Atspi.Role.MENU and has_state(m, Atspi.StateType.VISIBLE):
            items.extend(a for a in descendants(m)
                         if role(a) in (Atspi.Role.MENU_ITEM, Atspi.Role.CHECK_MENU_ITEM,
                                        Atspi.Role.RADIO_MENU_ITEM)
                         and has_state(a, Atspi.StateType.VISIBLE))
    return items


def context_menu_by_key(app, win, row, keysym, mods, what):
    """Opens the row's context menu with a key, checks its items' names, closes it with Escape."""
    key(keysym, mods)
    items = wait_for(lambda: showing_menu_items(win), 5, 'the context menu')
    names = [name(i) for i in items or []]
    ok(bool(items) and 'Copy Client ID' in names and 'Delete' in names,
       'context menu: %s on the row opens the menu with Copy Client ID and Delete' % what,
       'menu items: %r' % names)
    if not items:
        key(KEY_ESCAPE)
        return
    bad = [where(i) for i in items if not name(i).strip() or class_named(name(i))]
    ok(not bad, 'context menu: every item of the menu opened by %s has a human name' % what,
       '\n'.join(bad))
    key(KEY_ESCAPE)
    closed = wait_for(lambda: not showing_menu_items(win), 5, 'the menu to close')
    ok(bool(closed), 'context menu: Escape closes the menu opened by %s' % what)
    ok(wait_for(lambda: has_state(row, Atspi.StateType.FOCUSED), 3, 'the focus back on the row'),
       'context menu: the row has the keyboard again once the menu opened by %s closes' % what)


# ---- The flow ----

def main():
    global app_proc

    if not os.path.exists('/usr/libexec/at-spi-bus-launcher'):
        out('1..0 # SKIP at-spi2-core is not installed')
        sys.exit(0)
    if not os.environ.get('DISPLAY'):
        out('1..0 # SKIP needs the private session of build-aux/dev test')
        sys.exit(0)

    bus = subprocess.Popen(['/usr/libexec/at-spi-bus-launcher', '--launch-immediately'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run()
    finally:
        bus.send_signal(signal.SIGTERM)


def run():
    global app_proc
    env = dict(os.environ, GTK_A11Y='atspi',
               GSETTINGS_SCHEMA_DIR=os.path.join(BUILD, 'data'),
               G_DEBUG='fatal-criticals')
    env.pop('NO_AT_BRIDGE', None)
    app_proc = subprocess.Popen([os.path.join(BUILD, 'src', 'layer-keys')], env=env)

    def find_app():
        desktop = Atspi.get_desktop(0)
        for a in children(desktop):
            if name(a) == 'layer-keys':
                return a
        return None
    app = wait_for(find_app, 30, 'layer-keys on the accessibility bus')
    if app is None:
        bail('layer-keys never appeared on the accessibility bus')

    main_window = window(app, 'Layer Keys')
    ok(main_window is not None, 'the main window is announced as "Layer Keys"')
    if main_window is None:
        bail('no main window')

    # 1. The sign-in page, then the demo.
    demo = find(main_window, Atspi.Role.PUSH_BUTTON, 'Try the Demo')
    if not ok(demo is not None, 'sign-in: the demo button is named "Try the Demo"'):
        bail('no demo button')
    check_step(app, 'sign-in page')
    press_button(demo)

    # 2. The list.
    keys = find(main_window, Atspi.Role.LIST, 'API keys', 20)
    ok(keys is not None, 'list: the key list is announced as "API keys"')
    rows_before = wait_for(lambda: len(children(keys)) if keys else 0, 20, 'rows')
    ok(bool(rows_before), 'list: the demo keys are listed')
    check_step(app, 'key list')

    # The shortcuts window, Ctrl+?: it opens, and closing it destroys it
    # (a hidden window left behind crashed the app, see ask_past_the_windows).
    def other_windows():
        return [w for w in children(app) if name(w) != 'Layer Keys']
    shortcuts = None
    for attempt in range(3):
        point_at(main_window)
        key(KEY_QUESTION, MOD_CONTROL | MOD_SHIFT)
        shortcuts = wait_for(lambda: next(iter(other_windows()), None), 5, 'the shortcuts window')
        if shortcuts is not None:
            break
    ok(shortcuts is not None, 'shortcuts: Ctrl+? opens the shortcuts window')
    if shortcuts is not None:
        point_at(shortcuts)
        key(KEY_ESCAPE)
        ok(bool(wait_for(lambda: not other_windows(), 5, 'the shortcuts window to close')),
           'shortcuts: Escape closes the shortcuts window')
        walk_whole_tree(app)
        ask_past_the_windows(app)
        time.sleep(0.3)
        ok(app_proc.poll() is None, 'shortcuts: layer-keys is alive once the shortcuts window closed',
           'exit status %s' % app_proc.returncode)
        if app_proc.poll() is not None:
            bail('layer-keys died after the shortcuts window closed')

    # 3. New Key, from the keyboard shortcut, once the session may write.
    new_key = find(main_window, Atspi.Role.PUSH_BUTTON, 'New Key…', 5) or \
        find(main_window, Atspi.Role.PUSH_BUTTON, 'New Key', 5)
    ok(new_key is not None and
       wait_for(lambda: has_state(new_key, Atspi.StateType.SENSITIVE), 10, 'New Key'),
       'list: the New Key button is there and enabled')
    # On a busy machine the first chord can arrive before X has given the
    # window the keyboard: press it again, as a person would.
    dialog = None
    for attempt in range(3):
        point_at(main_window)
        key(ord('n'), MOD_CONTROL)
        dialog = window(app, 'New API Key', 6)
        if dialog is not None:
            break
    if not ok(dialog is not None, 'create: Ctrl+N opens "New API Key"'):
        bail('no create dialog')
    check_step(app, 'create dialog')
    point_at(dialog)

    # The dialog opens in its Name entry (GTK 4.8 exposes the focused text
    # inside an AdwEntryRow to no one, so nothing else may have the focus).
    name_entry = find(dialog, (Atspi.Role.TEXT, Atspi.Role.ENTRY), 'Name')
    others = [where(a) for a in descendants(dialog)
              if has_state(a, Atspi.StateType.FOCUSED) and a not in descendants(name_entry, 30)]
    ok(name_entry is not None and not others, 'create: the dialog opens in its Name entry',
       '\n'.join(others))
    key_name = 'Screen reader key %d' % os.getpid()
    type_text(key_name)

    # The task picker, by keyboard: Tab to "Choose by Task", open it with
    # Return, go down to a task (a list: arrows move between its rows) and
    # check it with Space; the grid follows.
    grid_read = find(dialog, Atspi.Role.CHECK_BOX, 'Model Inventory: Read')
    task_row = find(dialog, (Atspi.Role.LIST_ITEM, Atspi.Role.PUSH_BUTTON,
                             Atspi.Role.TOGGLE_BUTTON), 'Choose by Task')
    reached = task_row is not None and focus_by_tab(task_row, 'the task picker')
    ok(reached, 'create: Tab reaches the task picker “Choose by Task”')
    task = find(dialog, Atspi.Role.CHECK_BOX, 'Model Inventory: View', 5)
    ok(task is not None, 'create: the task “Model Inventory: View” has its own name')
    if reached:
        key(KEY_RETURN)
    # Down reaches it only when Return opened the picker.
    reached = reached and task is not None and \
        focus_by_key(ancestor(task, Atspi.Role.LIST_ITEM), KEY_DOWN, 0, 4)
    ok(reached, 'create: Return opens the task picker and Down reaches “Model Inventory: View”')
    if reached:
        key(KEY_SPACE)
    ok(task is not None and wait_for(lambda: checked(task), 3, 'the task checked'),
       'create: Space checks the task, and AT-SPI says so')
    ok(grid_read is not None and wait_for(lambda: checked(grid_read), 3, 'the grid to follow'),
       'create: the checked task checks “Model Inventory: Read” in the grid')

    # A preset, by keyboard (back up with Up): Return applies it.
    preset = find(dialog, Atspi.Role.LIST_ITEM, 'Model Scanner CLI (Hybrid Mode)')
    reached = preset is not None and focus_by_key(preset, KEY_UP, 0, 8)
    ok(reached, 'create: Up reaches the Model Scanner CLI preset')
    if reached:
        key(KEY_RETURN)
    scanner_write = find(dialog, Atspi.Role.CHECK_BOX, 'Model Scanner: Write')
    ok(scanner_write is not None and wait_for(lambda: checked(scanner_write), 3, 'the preset'),
       'create: Return on the preset checks its permissions (“Model Scanner: Write”)')
    ok(task is not None and wait_for(lambda: not checked(task), 3, 'the task unchecked'),
       'create: the preset unchecks the task')
    check_step(app, 'create form with a preset')

    # The permission grid, by keyboard: Tab reaches a check box, Space
    # toggles it (AT-SPI follows), and again restores the preset.
    api_read = find(dialog, Atspi.Role.CHECK_BOX, 'API Keys: Read')
    reached = api_read is not None and focus_by_tab(api_read, 'the grid', 60)
    ok(reached, 'create: Tab reaches the permission grid (“API Keys: Read”)')
    was = api_read is not None and checked(api_read)
    if reached:
        key(KEY_SPACE)
    ok(reached and wait_for(lambda: checked(api_read) != was, 3, 'the check box'),
       'create: Space toggles “API Keys: Read”, and AT-SPI says so')
    if reached:
        key(KEY_SPACE)
    ok(reached and wait_for(lambda: checked(api_read) == was, 3, 'the check box'),
       'create: Space again toggles it back')

    next_button = find(dialog, Atspi.Role.PUSH_BUTTON, 'Next')
    if not ok(next_button is not None, 'create: a Next button'):
        bail('no Next button')
    press_button(next_button)
    create_button = find(dialog, Atspi.Role.PUSH_BUTTON, 'Create')
    if not ok(create_button is not None, 'create: the summary has a Create button'):
        bail('no Create button')
    check_step(app, 'create summary')
    press_button(create_button)

    # 4. The secret page.
    done = find(dialog, Atspi.Role.PUSH_BUTTON, 'Done', 20)
    if not ok(done is not None, 'secret: the Done button appears'):
        bail('the key was not created')
    check_step(app, 'secret page')

    # 5. Done closes the dialog: the moment the tree used to crash the app.
    press_button(done)
    # Ask the root for its windows while the dialog goes, as a screen reader
    # following the focus does.
    end = time.monotonic() + 3
    while time.monotonic() < end and app_proc.poll() is None:
        try:
            app.clear_cache()
            for w in children(app):
                walk_whole_tree(w) if role(w) != Atspi.Role.FRAME else name(w)
            ask_past_the_windows(app)
        except GLib.Error:
            pass
        time.sleep(0.02)
    gone = wait_for(lambda: all(name(w) != 'New API Key' for w in children(app)), 10,
                    'the dialog to close')
    ok(bool(gone), 'done: the dialog closes')
    check_step(app, 'after Done')

    # 6. The new row, found by what it says.
    def new_row():
        for r in children(keys):
            if key_name in name(r) or any(key_name in name(d) for d in descendants(r, 50)):
                return r
        return None
    row = wait_for(new_row, 10, 'the new row')
    ok(row is not None, 'list: the new key has a row that says its name')
    if row is None:
        bail('no new row')
    sentence = next((name(d) for d in descendants(row, 50) if key_name in name(d)), '')
    ok(sentence.startswith(key_name) and 'Client ID' in sentence,
       'list: the row reads as one sentence, from its name on', 'it reads: %r' % sentence)
    check_step(app, 'list with the new key')

    # 7. Delete it with the keyboard: focus the row, press Delete, confirm.
    reached = focus_by_tab(keys, 'the list', 30)
    if reached:
        for _ in range(len(children(keys)) + 2):
            if has_state(row, Atspi.StateType.FOCUSED) or has_state(row, Atspi.StateType.SELECTED):
                break
            key(KEY_DOWN)
    ok(has_state(row, Atspi.StateType.FOCUSED) or has_state(row, Atspi.StateType.SELECTED),
       'delete: the keyboard reaches the new row')

    # The row's context menu, from the keyboard: Shift+F10 and the Menu key.
    context_menu_by_key(app, main_window, row, KEY_F10, MOD_SHIFT, 'Shift+F10')
    context_menu_by_key(app, main_window, row, KEY_MENU, 0, 'the Menu key')

    key(KEY_DELETE)
    confirm = window(app, 'Delete API Key?', 5) or \
        wait_for(lambda: next((w for w in children(app)
                               if role(w) in (Atspi.Role.DIALOG, Atspi.Role.ALERT)), None),
                 5, 'the confirmation')
    if not ok(confirm is not None, 'delete: the Delete key asks to confirm'):
        bail('no confirmation')
    check_step(app, 'delete confirmation')
    delete_button = find(confirm, Atspi.Role.PUSH_BUTTON, 'Delete', 5)
    if not ok(delete_button is not None, 'delete: the confirmation has a Delete button'):
        bail('no Delete button')
    press_button(delete_button)
    gone = wait_for(lambda: new_row() is None, 15, 'the row to go')
    ok(bool(gone), 'delete: the row is gone')
    check_step(app, 'after delete')

    finish()


if __name__ == '__main__':
    main()
