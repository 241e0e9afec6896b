#!/usr/bin/python3
# test-instances.py: two copies of Layer Keys (issue 21, “Two copies of the
# app”)
#
# The real layer-keys binary in the private test session (D-Bus, Xvfb),
# with settings and state in a folder of this test's own.  Starting it
# while it runs must not make a second process that races the first on
# the same state files and keyring: the second start hands its activation
# to the running one (GApplication uniqueness: org.gtk.Application.Activate
# on the session bus), leaves, and the running one still has its
# one window.  Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

APP = os.environ.get('LK_APP_BIN')
APP_ID = 'io.github.layerkeys.LayerKeys'
OBJECT_PATH = '/io/github/layerkeys/LayerKeys'
SLOWDOWN = max(1, int(os.environ.get('LK_TEST_SLOWDOWN', '1') or '1'))


class State:
    scratch = None
    env = None
    first = None


S = State()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for(predicate, what, timeout=20.0):
    deadline = time.monotonic() + timeout * SLOWDOWN
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f'timed out waiting for {what}')


def gdbus(*args):
    return subprocess.run(['gdbus', *args], capture_output=True, text=True, env=S.env, timeout=30)


def name_has_owner():
    p = gdbus('call', '--session', '--dest', 'org.freedesktop.DBus',
              '--object-path', '/org/freedesktop/DBus',
              '--method', 'org.freedesktop.DBus.NameHasOwner', APP_ID)
    return p.returncode == 0 and 'true' in p.stdout


def windows():
    """The windows GtkApplication exports for the running copy: their
    numbers under OBJECT_PATH/window."""
    p = gdbus('introspect', '--session', '--dest', APP_ID, '--object-path', OBJECT_PATH + '/window')
    if p.returncode != 0:
        return []
    return sorted(line.split()[1] for line in p.stdout.splitlines()
                  if line.strip().startswith('node ') and not line.split()[1].startswith('/'))


def start_app(*args):
    return subprocess.Popen([APP, *args], env=S.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def quit_app(proc):
    """app.quit over D-Bus, as the second copy would reach it."""
    gdbus('call', '--session', '--dest', APP_ID, '--object-path', OBJECT_PATH,
          '--method', 'org.gtk.Actions.Activate', 'quit', '[]', '{}')
    try:
        proc.wait(timeout=20 * SLOWDOWN)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError('app.quit did not end the running copy')


# ---- The cases ----

CASES = []


def case(name):
    def register(fn):
        CASES.append((name, fn))
        return fn
    return register


@case('the first copy owns the application name and shows one window')
def _():
    check(not name_has_owner(), f'{APP_ID} is already owned before the test starts it')
    S.first = start_app()
    wait_for(name_has_owner, f'{APP_ID} on the session bus')
    wait_for(lambda: windows() == ['1'], 'the first window')
    check(S.first.poll() is None, 'the first copy ended')


@case('a second start activates the running copy and leaves, with no window of its own')
def _():
    monitor = subprocess.Popen(['dbus-monitor', '--session',
                                "type='method_call',interface='org.gtk.Application'"],
                               env=S.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        time.sleep(0.5)   # the monitor is in place
        second = start_app()
        try:
            out, err = second.communicate(timeout=20 * SLOWDOWN)
        except subprocess.TimeoutExpired:
            second.kill()
            second.communicate()
            raise AssertionError('the second copy kept running beside the first')
        check(second.returncode == 0, f'the second copy ended with {second.returncode}: {err!r}')
        time.sleep(0.5)
    finally:
        monitor.terminate()
        seen, _ = monitor.communicate(timeout=10)
    # Activate, or CommandLine once the app handles its command line in the
    # running copy (G_APPLICATION_HANDLES_COMMAND_LINE): either hands over.
    check(('member=Activate' in seen or 'member=CommandLine' in seen) and f'path={OBJECT_PATH}' in seen,
          f'no org.gtk.Application Activate or CommandLine call reached the running copy:\n{seen}')
    check(S.first.poll() is None, 'the first copy ended')
    check(windows() == ['1'], f'windows after the second start: {windows()}')


@case('several starts at once: each hands over, one copy and one window remain')
def _():
    starts = [start_app() for _ in range(3)]
    for proc in starts:
        try:
            proc.communicate(timeout=30 * SLOWDOWN)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError('a later copy kept running beside the first')
        check(proc.returncode == 0, f'a later copy ended with {proc.returncode}')
    check(S.first.poll() is None, 'the first copy ended')
    check(windows() == ['1'], f'windows after three more starts: {windows()}')


@case('quitting the running copy frees the name; the next start is the first again')
def _():
    quit_app(S.first)
    check(S.first.returncode == 0, f'the first copy ended with {S.first.returncode}')
    wait_for(lambda: not name_has_owner(), f'{APP_ID} released')
    S.first = start_app()
    wait_for(lambda: windows() == ['1'], 'the new first window')
    quit_app(S.first)


def main():
    if not APP:
        print('1..0 # SKIP LK_APP_BIN is not set')
        return 0
    if not os.environ.get('DBUS_SESSION_BUS_ADDRESS') or not os.environ.get('DISPLAY'):
        print('1..0 # SKIP needs the private session of build-aux/dev test')
        return 0

    S.scratch = tempfile.mkdtemp(prefix='test-instances.')
    S.env = dict(os.environ)
    # Settings, state and data of this test's own: no remembered account,
    # so each copy opens on the sign-in page and touches no keyring item.
    S.env.update(GSETTINGS_BACKEND='keyfile',
                 XDG_CONFIG_HOME=os.path.join(S.scratch, 'config'),
                 XDG_STATE_HOME=os.path.join(S.scratch, 'state'),
                 XDG_DATA_HOME=os.path.join(S.scratch, 'data'),
                 XDG_CACHE_HOME=os.path.join(S.scratch, 'cache'),
                 GTK_A11Y='none', NO_AT_BRIDGE='1')

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
        if S.first is not None and S.first.poll() is None:
            S.first.kill()
            S.first.wait()
        shutil.rmtree(S.scratch, ignore_errors=True)
    print(f'1..{len(CASES)}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
