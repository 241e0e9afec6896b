#!/usr/bin/python3
# test-background.py: `layer-keys --background`, the background check
# (issue 16)
#
# The real app binary, a real simulator (layer-keys-sim) over HTTP on
# 127.0.0.1, the real keyring of the private test session (build-aux/dev
# test) holding the remembered sign-in, and the session's X server, asked
# with xwininfo whether any window is mapped.  The notifications are
# observed by a small org.freedesktop.Notifications server this test owns
# on the private session bus (there is no desktop shell in the session).
# Prints TAP, one line per case.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

APP = os.environ.get('LK_APP_BIN')
CLI = os.environ.get('LK_CLI_BIN')
SIM = os.environ.get('LK_SIM_BIN')
APP_ID = 'io.github.layerkeys.LayerKeys'
SCHEMA_ACCOUNT = APP_ID + '.Account'
KEYRING_PASSWORD = b'layer-keys-test'   # as in build-aux/session-inner
# How long a background run may take, start to exit.
RUN_LIMIT = 60


class State:
    scratch = None
    env = None
    sim = None
    url = token_url = admin_id = admin_secret = None
    server = None


S = State()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# ---- The notification server ----

NOTIFICATIONS_XML = '''
<node><interface name='org.freedesktop.Notifications'>
  <method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>
    <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>
    <arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>
    <arg type='u' direction='out'/></method>
  <method name='CloseNotification'><arg type='u' direction='in'/></method>
  <method name='GetCapabilities'><arg type='as' direction='out'/></method>
  <method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>
    <arg type='s' direction='out'/><arg type='s' direction='out'/></method>
  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>
  <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>
</interface></node>
'''


class NotificationServer:
    def __init__(self):
        self.seen = []    # (summary, body)
        address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
        flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
                 Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
        self.conn = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
        info = Gio.DBusNodeInfo.new_for_xml(NOTIFICATIONS_XML).interfaces[0]
        self.conn.register_object('/org/freedesktop/Notifications', info, self.method, None, None)
        reply = self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                    'org.freedesktop.DBus', 'RequestName',
                                    GLib.Variant('(su)', ('org.freedesktop.Notifications', 4)),
                                    GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, 10000, None)
        check(reply.unpack()[0] == 1, 'could not own org.freedesktop.Notifications')

    def method(self, conn, sender, path, iface, method, params, invocation):
        if method == 'Notify':
            args = params.unpack()
            self.seen.append((args[3], args[4]))
            invocation.return_value(GLib.Variant('(u)', (len(self.seen),)))
        elif method == 'GetCapabilities':
            invocation.return_value(GLib.Variant('(as)', (['actions', 'body'],)))
        elif method == 'GetServerInformation':
            invocation.return_value(GLib.Variant('(ssss)', ('test', 'layer-keys', '1', '1.2')))
        else:
            invocation.return_value(None)

    def mentions(self, name):
        return [n for n in self.seen if name in n[0] or name in n[1]]


def spin(seconds):
    """Runs the main context (the notification server) for @seconds."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        while context.iteration(False):
            pass
        time.sleep(0.02)


# ---- The X server ----

def mapped_windows():
    """The root window's children that are mapped (viewable) toplevels:
    with no window manager in the session, a shown window is one of them
    (tooltips and menus, override-redirect, are not counted)."""
    p = subprocess.run(['xwininfo', '-root', '-children'], capture_output=True, text=True, timeout=30)
    ids = re.findall(r'^\s+(0x[0-9a-f]+)', p.stdout, re.M)
    mapped = []
    for wid in ids:
        q = subprocess.run(['xwininfo', '-id', wid], capture_output=True, text=True, timeout=30)
        if 'Map State: IsViewable' in q.stdout and 'Override Redirect State: no' in q.stdout:
            mapped.append(wid)
    return mapped


# ---- Running things ----

def cli(*args, env=None):
    e = dict(S.env, LAYER_KEYS_CLIENT_SECRET=S.admin_secret)
    e.update(env or {})
    p = subprocess.run([CLI, *args, '--platform', S.url, '--client-id', S.admin_id],
                       capture_output=True, text=True, env=e, timeout=90)
    check(p.returncode == 0, f'layer-keys-cli {" ".join(args)}: {p.returncode} {p.stderr}')
    return p.stdout


def gsettings(key, value):
    p = subprocess.run(['gsettings', 'set', APP_ID, key, value],
                       env=S.env, capture_output=True, timeout=30)
    check(p.returncode == 0, f'gsettings set {key} failed: {p.stderr!r}')


def listed():
    return {k['id']: k for k in json.loads(cli('list', '--json'))}


def remember_account(url, token_url):
    """The admin's sign-in remembered in the keyring, as the app stores it."""
    p = subprocess.run(['secret-tool', 'store', '--label=Layer Keys test account',
                        'xdg:schema', SCHEMA_ACCOUNT, 'platform', url, 'client-id', S.admin_id,
                        'token-url', token_url, 'ca-sha256', 'none'],
                       input=S.admin_secret.encode(), capture_output=True, timeout=30)
    check(p.returncode == 0, f'secret-tool store failed: {p.stderr!r}')
    gsettings('region', 'custom')
    gsettings('custom-api-url', url)
    gsettings('custom-token-url', token_url)
    gsettings('last-client-id', S.admin_id)


def forget_accounts():
    subprocess.run(['secret-tool', 'clear', 'xdg:schema', SCHEMA_ACCOUNT], capture_output=True, timeout=30)


def schedule_due_deletion(name):
    """A key rotated with its old key's deletion scheduled, then made due
    (the journal's delete-at moved into the past): the old key's ID."""
    old = json.loads(cli('create', name, '--preset', 'read-only', '--json'))
    cli('rotate', old['id'], '--delete-old', '1h')
    path = os.path.join(S.scratch, 'state', 'layer-keys', 'rotations.json')
    with open(path) as f:
        journal = json.load(f)
    entries = [d for d in journal.get('scheduled-deletions', []) if d['key-id'] == old['id']]
    check(len(entries) == 1, f'not scheduled: {journal}')
    entries[0]['delete-at'] = int(time.time()) - 60
    with open(path, 'w') as f:
        json.dump(journal, f)
    check(old['id'] in listed(), 'the old key is gone already')
    return old['id']


def run_background(limit=RUN_LIMIT):
    """Runs `layer-keys --background` until it exits (failing past @limit
    seconds), watching the X server all along: the windows mapped meanwhile,
    and what it printed."""
    before = set(mapped_windows())
    proc = subprocess.Popen([APP, '--background'], env=S.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen = set()
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        seen |= set(mapped_windows()) - before
        spin(0.2)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        raise AssertionError(f'layer-keys --background still runs after {limit} s '
                             f'(windows mapped meanwhile: {sorted(seen)})')
    out, err = proc.communicate()
    seen |= set(mapped_windows()) - before
    wait_name_released()
    return proc.returncode, seen, out + err


def wait_name_released():
    """Until the bus has seen the instance go: a new one started before
    would find the name still owned, by nobody that answers."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        reply = S.server.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                        'org.freedesktop.DBus', 'NameHasOwner',
                                        GLib.Variant('(s)', (APP_ID,)), GLib.VariantType('(b)'),
                                        Gio.DBusCallFlags.NONE, 10000, None)
        if not reply.unpack()[0]:
            break
        spin(0.1)
    spin(0.5)


def start_app():
    """The app started the usual way: a window."""
    proc = subprocess.Popen([APP], env=S.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not mapped_windows():
        check(proc.poll() is None, 'the app ended')
        spin(0.2)
    check(mapped_windows(), 'the app shows no window (the X check cannot see windows)')
    return proc


# ---- The cases ----

CASES = []


def case(name):
    def add(fn):
        CASES.append((name, fn))
        return fn
    return add


@case('no instance running: no window, the notification, the due deletion, then it exits')
def _():
    remember_account(S.url, S.token_url)
    # The tenant's own keys that expire soon are announced first.
    rc, windows, output = run_background()
    check(rc == 0, f'exit status {rc}: {output}')
    check(not windows, f'windows were mapped: {windows}')
    check(S.server.seen, 'no notification of the tenant\'s keys that expire soon')
    count = len(S.server.seen)
    cli('create', 'bg-expires-soon', '--expires', '2', '--preset', 'read-only')
    due = schedule_due_deletion('bg-rotated-away')
    rc, windows, output = run_background()
    check(rc == 0, f'exit status {rc}: {output}')
    check(not windows, f'windows were mapped: {windows}')
    check([n for n in S.server.seen[count:] if 'bg-expires-soon' in n[0] + n[1]],
          f'no notification of bg-expires-soon: {S.server.seen[count:]}')
    check(due not in listed(), 'the due deletion was not carried out')
    check(S.admin_secret not in output, 'the secret is in the output')
    # Nothing new: no notification the second time.
    count = len(S.server.seen)
    rc, windows, output = run_background()
    check(rc == 0 and not windows, f'second run: {rc} {windows} {output}')
    check(len(S.server.seen) == count, f'notified again: {S.server.seen[count:]}')


@case('an instance running: the check runs there, no second window, this one exits at once')
def _():
    app = start_app()
    try:
        shown = set(mapped_windows())
        # The window's own sign-in and list (which notifies too) first.
        spin(5)
        cli('create', 'bg-expires-later', '--expires', '3', '--preset', 'read-only')
        due = schedule_due_deletion('bg-rotated-too')
        rc, windows, output = run_background(limit=40)
        check(rc == 0, f'exit status {rc}: {output}')
        check(not windows, f'another window was mapped: {windows}')
        # The running instance carries the check out.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (due in listed() or
                                               not S.server.mentions('bg-expires-later')):
            spin(0.5)
        check(due not in listed(), 'the running instance did not carry the due deletion out')
        check(S.server.mentions('bg-expires-later'), f'no notification of bg-expires-later: {S.server.seen}')
        check(set(mapped_windows()) == shown, f'the windows changed: {shown} {mapped_windows()}')
        check(app.poll() is None, 'the running instance ended')
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=30)
        wait_name_released()


@case('the keyring locked: no prompt, no window, no notification, it exits quietly')
def _():
    cli('create', 'bg-locked-out', '--expires', '2', '--preset', 'read-only')
    lock_keyring()
    try:
        count = len(S.server.seen)
        rc, windows, output = run_background()
        check(rc == 0, f'exit status {rc}: {output}')
        check(not windows, f'windows were mapped (a prompt?): {windows}')
        check(len(S.server.seen) == count, f'notified: {S.server.seen[count:]}')
        check('CRITICAL' not in output and 'WARNING' not in output, f'not quiet: {output}')
    finally:
        unlock_keyring()


@case('the platform unreachable: no window, it exits quietly within the limit')
def _():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    url = f'http://127.0.0.1:{port}'
    remember_account(url, url + '/oauth2/token')
    try:
        rc, windows, output = run_background()
        check(rc == 0, f'exit status {rc}: {output}')
        check(not windows, f'windows were mapped: {windows}')
        check('CRITICAL' not in output and 'WARNING' not in output, f'not quiet: {output}')
        check(S.admin_secret not in output, 'the secret is in the output')
    finally:
        forget_accounts()
        remember_account(S.url, S.token_url)


# ---- The keyring's lock, through the Secret Service on D-Bus ----

def keyring_connection():
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
    flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
             Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
    conn = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)

    def call(path, iface, method, params, rtype):
        return conn.call_sync('org.freedesktop.secrets', path, iface, method, params,
                              GLib.VariantType(rtype) if rtype else None,
                              Gio.DBusCallFlags.NONE, 10000, None)
    collection = call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'ReadAlias',
                      GLib.Variant('(s)', ('default',)), '(o)').unpack()[0]
    return conn, call, collection


def lock_keyring():
    conn, call, collection = keyring_connection()
    call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'Lock',
         GLib.Variant('(ao)', ([collection],)), '(aoo)')
    conn.close_sync(None)


def unlock_keyring():
    conn, call, collection = keyring_connection()
    session = call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'OpenSession',
                   GLib.Variant('(sv)', ('plain', GLib.Variant('s', ''))), '(vo)').unpack()[1]
    call('/org/freedesktop/secrets', 'org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface',
         'UnlockWithMasterPassword',
         GLib.Variant('(o(oayays))', (collection, (session, b'', KEYRING_PASSWORD, 'text/plain'))),
         None)
    conn.close_sync(None)


# ---- Running ----

def start_simulator():
    S.sim = subprocess.Popen([SIM], stdout=subprocess.PIPE, text=True, env=S.env)
    info = {}
    while len(info) < 4:
        line = S.sim.stdout.readline()
        if not line:
            raise RuntimeError('the simulator did not start')
        k, v = line.rstrip('\n').split(': ', 1)
        info[k] = v
    S.url, S.token_url = info['url'], info['token-url']
    S.admin_id, S.admin_secret = info['client-id'], info['client-secret']


def main():
    if not APP or not CLI or not SIM:
        print('1..0 # SKIP LK_APP_BIN, LK_CLI_BIN or LK_SIM_BIN is not set')
        return 0
    if (not os.environ.get('DBUS_SESSION_BUS_ADDRESS') or not os.environ.get('DISPLAY') or
            not shutil.which('secret-tool') or not shutil.which('xwininfo')):
        print('1..0 # SKIP needs the private session of build-aux/dev test, secret-tool and xwininfo')
        return 0

    S.scratch = tempfile.mkdtemp(prefix='test-background.')
    S.env = {k: v for k, v in os.environ.items() if k != 'LAYER_KEYS_CLIENT_SECRET'}
    # Settings shared by gsettings, the CLI and the app, in a file of this
    # test's own; a state folder of its own (the expiry notices, the
    # rotation journal).
    S.env.update(GSETTINGS_BACKEND='keyfile', XDG_CONFIG_HOME=os.path.join(S.scratch, 'config'),
                 XDG_STATE_HOME=os.path.join(S.scratch, 'state'),
                 NO_PROXY='127.0.0.1', no_proxy='127.0.0.1',
                 G_MESSAGES_DEBUG='lk-application lk-background-check')
    start_simulator()
    S.server = NotificationServer()

    print(f'1..{len(CASES)}')
    failed = 0
    try:
        for number, (name, fn) in enumerate(CASES, 1):
            try:
                fn()
                print(f'ok {number} - {name}')
            except Exception:
                failed += 1
                print(f'not ok {number} - {name}')
                for line in traceback.format_exc().splitlines():
                    print('# ' + line)
            sys.stdout.flush()
    finally:
        forget_accounts()
        S.sim.terminate()
        S.sim.wait(timeout=30)
        shutil.rmtree(S.scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
