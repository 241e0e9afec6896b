#!/usr/bin/python3
# test-cli.py: layer-keys-cli end to end (issue 17)
#
# The real binary, a real simulator (layer-keys-sim) over HTTP on
# 127.0.0.1, and the real keyring of the private test session
# (build-aux/dev test).  Faults the simulator cannot make (422, a platform
# without the key endpoints, a key gone between list and delete) come from
# a small fake platform in this file, also on 127.0.0.1.  Prints TAP, one
# line per case.  Everything the CLI printed is kept, and the last case
# checks that no secret appears in any of it (except in the stdout of env,
# whose job is to print it).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import hashlib
import http.server
import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

CLI = os.environ.get('LK_CLI_BIN')
PLATFORM = os.environ.get('LK_CLI_PLATFORM_BIN')
SIM = os.environ.get('LK_SIM_BIN')
SOURCE_ROOT = os.environ.get('LK_SOURCE_ROOT', '.')
SCHEMA_API_KEY = 'io.github.layerkeys.LayerKeys.ApiKey'
SCHEMA_ACCOUNT = 'io.github.layerkeys.LayerKeys.Account'
KEYRING_PASSWORD = b'layer-keys-test'   # as in build-aux/session-inner
VARIABLES = ['HIDDENLAYER_CLIENT_ID', 'HIDDENLAYER_CLIENT_SECRET', 'HIDDENLAYER_BASE_URL',
             'HL_CLIENT_ID', 'HL_CLIENT_SECRET']
# Quotes, $, backticks, backslashes (one ends it), newlines, tabs, UTF-8.
WEIRD_SECRET = ("q'uo\"te $HOME ${HOME} `touch PWNED1` $(touch PWNED2) back\\slash \\\\ \\'\n"
                "line two\t'\n'\"; rm -rf x; ü€ '")
# A dotenv file cannot end a value with a backslash unambiguously: sh and
# fish get it back, env --format dotenv refuses it.
TRAILING_BACKSLASH_SECRET = "ends with a backslash, as in C:\\Users\\"


class Skip(Exception):
    pass


class State:
    scratch = None
    env = None          # base environment for the CLI
    captured = []       # (what, text, may_hold_secret)
    secrets = set()     # every secret the test knows
    sim = None
    url = token_url = admin_id = admin_secret = None
    flow = None         # the key of the main flow (create's JSON)


S = State()


# ---- Running things ----

class Result:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def __repr__(self):
        return f'rc={self.rc} args={self.args!r}\n  stdout={self.out!r}\n  stderr={self.err!r}'


def cli(*args, secret=None, stdin=None, env=None, secret_in_stdout=False, tty=False, prompt=None):
    """Runs layer-keys-cli; @secret goes in LAYER_KEYS_CLIENT_SECRET.  With
    @tty, standard input is a terminal, typed into after @prompt shows on
    standard error (as a person would: a password prompt drops what was
    typed ahead)."""
    e = dict(S.env)
    if secret is not None:
        e['LAYER_KEYS_CLIENT_SECRET'] = secret
    e.update(env or {})
    if tty:
        master, slave = pty.openpty()
        p = subprocess.Popen([CLI, *args], stdin=slave, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=e)
        os.close(slave)
        early = b''
        deadline = time.monotonic() + 60
        while prompt is not None and prompt.encode() not in early and time.monotonic() < deadline:
            chunk = os.read(p.stderr.fileno(), 4096)
            if not chunk:
                break
            early += chunk
        os.write(master, (stdin or '').encode())
        out, err = p.communicate(timeout=90)
        err = early + err
        os.close(master)
        rc = p.returncode
    else:
        p = subprocess.run([CLI, *args], input=(stdin or '').encode(), capture_output=True,
                           env=e, timeout=90)
        out, err, rc = p.stdout, p.stderr, p.returncode
    r = Result(args, rc, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace'))
    S.captured.append((' '.join(args) + ' (stdout)', r.out, secret_in_stdout))
    S.captured.append((' '.join(args) + ' (stderr)', r.err, False))
    return r


def admin(*args, **kw):
    """As the simulator's admin, explicitly, the secret from the environment."""
    return cli(*args, '--platform', S.url, '--client-id', S.admin_id, secret=S.admin_secret, **kw)


def check(condition, message, result=None):
    if not condition:
        raise AssertionError(message + ('\n' + repr(result) if result is not None else ''))


def expect(result, rc, *needles, one_line=None):
    check(result.rc == rc, f'exit status {result.rc}, expected {rc}', result)
    for needle in needles:
        check(needle in result.err or needle in result.out, f'{needle!r} not in the output', result)
    if one_line is None:
        one_line = rc != 0
    if one_line:
        check(result.err.count('\n') == 1 and result.err.endswith('\n') and
              result.err.startswith('layer-keys-cli: '),
              'the error is not one line "layer-keys-cli: …"', result)


def secret_tool(*args, stdin=b''):
    p = subprocess.run(['secret-tool', *args], input=stdin, capture_output=True, timeout=30)
    return p


def store_item(label, attributes, secret):
    args = ['store', '--label=' + label]
    for k, v in attributes.items():
        args += [k, v]
    p = secret_tool(*args, stdin=secret.encode())
    check(p.returncode == 0, f'secret-tool store failed: {p.stderr!r}')


def lookup_secret(**attributes):
    args = ['lookup']
    for k, v in attributes.items():
        args += [k.replace('_', '-'), v]
    p = secret_tool(*args)
    return p.stdout.decode() if p.returncode == 0 else None


def clear_items(**attributes):
    args = ['clear']
    for k, v in attributes.items():
        args += [k.replace('_', '-'), v]
    secret_tool(*args)


def item_attributes(key_id):
    """The attributes of the key's items (list of dicts)."""
    p = secret_tool('search', '--all', 'key-id', key_id)
    items, current = [], None
    for line in (p.stdout + p.stderr).decode().splitlines():
        if line.startswith('['):
            current = {}
            items.append(current)
        elif current is not None and ' = ' in line:
            k, v = line.split(' = ', 1)
            current[k.strip()] = v
    return items


def gsettings(key, value):
    p = subprocess.run(['gsettings', 'set', 'io.github.layerkeys.LayerKeys', key, value],
                       env=S.env, capture_output=True, timeout=30)
    check(p.returncode == 0, f'gsettings set {key} failed: {p.stderr!r}')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def whoami(base_url, token):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(base_url + '/api/v1/whoami',
                                     headers={'Authorization': 'Bearer ' + token})
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as e:
        return e.code, None


# ---- The keyring's lock, through the Secret Service on D-Bus ----

def keyring_connection():
    import gi
    gi.require_version('Gio', '2.0')
    from gi.repository import Gio, GLib
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
    flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
             Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
    conn = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)

    def call(path, iface, method, params, rtype):
        return conn.call_sync('org.freedesktop.secrets', path, iface, method, params,
                              GLib.VariantType(rtype) if rtype else None,
                              Gio.DBusCallFlags.NONE, 10000, None)
    service = '/org/freedesktop/secrets'
    collection = call(service, 'org.freedesktop.Secret.Service', 'ReadAlias',
                      GLib.Variant('(s)', ('default',)), '(o)').unpack()[0]
    return conn, call, collection, GLib


def lock_keyring():
    conn, call, collection, GLib = keyring_connection()
    call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'Lock',
         GLib.Variant('(ao)', ([collection],)), '(aoo)')
    conn.close_sync(None)


def unlock_keyring():
    """Without a prompt, as tests/test-store.c does: the session belongs to
    the connection that opened it, hence one connection for both calls."""
    conn, call, collection, GLib = keyring_connection()
    session = call('/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'OpenSession',
                   GLib.Variant('(sv)', ('plain', GLib.Variant('s', ''))), '(vo)').unpack()[1]
    call('/org/freedesktop/secrets', 'org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface',
         'UnlockWithMasterPassword',
         GLib.Variant('(o(oayays))', (collection, (session, b'', KEYRING_PASSWORD, 'text/plain'))),
         None)
    conn.close_sync(None)


# ---- A fake platform for what the simulator cannot do ----

class FakePlatform:
    """Answers (method, path prefix) -> (status, body); everything else
    404 {"detail": "Not Found"}, as a server offering only the documented
    HiddenLayer surface does."""

    def __init__(self, routes):
        self.routes = routes
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                status, body = 404, {'detail': 'Not Found'}
                for (method, prefix), reply in fake.routes.items():
                    if method == self.command and self.path.startswith(prefix):
                        status, body = reply
                        break
                data = json.dumps(body).encode() if body is not None else b''
                self.send_response(status)
                if data:
                    self.send_header('Content-Type', 'application/problem+json' if status >= 400
                                     else 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = answer

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


TOKEN_REPLY = (200, {'access_token': 'f' * 64, 'token_type': 'Bearer', 'expires_in': 3600})
FAKE_KEY = {'id': 'aaaaaaaa-0000-4000-8000-000000000001', 'name': 'fake key',
            'client_id': 'bbbbbbbb-0000-4000-8000-000000000002',
            'created_at': '2026-01-01T00:00:00Z', 'expires_at': '2030-01-01T00:00:00Z',
            'created_by': None, 'permissions': {'model_scanner': ['write']}}


def fake_cli(fake, *args):
    return cli(*args, '--platform', fake.url, '--client-id', 'fake-admin', secret='fake-admin-secret-1234')


# ---- Parsers for env's output ----

def parse_single_quoted(text, backslash_escapes):
    """NAME='…' assignments as fish (set -gx) and python-dotenv read them
    (backslash_escapes) or as sh reads export lines (quotes glued with \\')."""
    values, i = {}, 0
    prefix = re.compile(r"(?:export |set -gx )?([A-Z_]+)(?:=| )")
    while i < len(text):
        m = prefix.match(text, i)
        check(m is not None, f'cannot parse {text[i:i + 40]!r}')
        name, i, value = m.group(1), m.end(), ''
        while i < len(text) and text[i] != '\n':
            if text[i] == "'":
                i += 1
                while text[i] != "'":
                    if backslash_escapes and text[i] == '\\' and text[i + 1] in "\\'":
                        i += 1
                    value += text[i]
                    i += 1
                i += 1
            elif not backslash_escapes and text.startswith("\\'", i):
                value += "'"
                i += 2
            else:
                raise AssertionError(f'unexpected {text[i:i + 20]!r} after {name}')
        values[name] = value
        i += 1
    return values


# ---- The cases ----

CASES = []


def case(name):
    def register(fn):
        CASES.append((name, fn))
        return fn
    return register


def libraries(binary):
    """The shared libraries @binary loads, and its undefined symbols."""
    ldd = subprocess.run(['ldd', binary], capture_output=True, text=True).stdout
    nm = subprocess.run(['nm', '-D', '--undefined-only', binary], capture_output=True, text=True)
    return ldd, nm.stdout


@case('the binaries link no GTK or libadwaita; layer-keys-cli no libsoup either')
def _():
    ldd, symbols = libraries(CLI)
    check('libsecret' in ldd and 'libgio' in ldd, f'unexpected ldd output:\n{ldd}')
    check(not re.search(r'libgtk|libadwaita|libgdk', ldd), f'GTK is linked:\n{ldd}')
    check(not re.search(r'\b(gtk|adw|gdk)_', symbols), 'GTK symbols are used')
    # issue 19: the keyring commands start without the network's libraries
    check(not re.search(r'libsoup|libnghttp2|libgssapi|libkrb5|libpsl|libbrotli', ldd),
          f'layer-keys-cli loads the network\'s libraries:\n{ldd}')
    check(not re.search(r'\bsoup_', symbols), 'layer-keys-cli uses libsoup symbols')

    ldd, symbols = libraries(PLATFORM)
    check('libsoup-3' in ldd and 'libsecret' in ldd, f'unexpected ldd output:\n{ldd}')
    check(not re.search(r'libgtk|libadwaita|libgdk', ldd), f'GTK is linked:\n{ldd}')
    check(not re.search(r'\b(gtk|adw|gdk)_', symbols), 'GTK symbols are used')


@case('the platform commands run in layer-keys-cli-platform, found from layer-keys-cli itself')
def _():
    # Beside each other as installed (bin/, libexec/), somewhere else.
    root = os.path.join(S.scratch, 'prefix')
    os.makedirs(os.path.join(root, 'bin'), exist_ok=True)
    os.makedirs(os.path.join(root, 'libexec'), exist_ok=True)
    front = os.path.join(root, 'bin', 'layer-keys-cli')
    shutil.copy2(CLI, front)

    def run(*args, secret=None):
        e = dict(S.env)
        if secret is not None:
            e['LAYER_KEYS_CLIENT_SECRET'] = secret
        p = subprocess.run([front, *args], capture_output=True, env=e, timeout=90)
        r = Result(args, p.returncode, p.stdout.decode(), p.stderr.decode())
        S.captured.append((' '.join(args) + ' (moved)', r.out + r.err, False))
        return r

    listing = ('list', '--json', '--platform', S.url, '--client-id', S.admin_id)
    # Without it: the keyring commands still work, the others say what is
    # missing (one line, exit 1), and no other copy is looked for.
    expect(run('list', '--stored', '--platform', S.url), 0)
    r = run(*listing, secret=S.admin_secret)
    expect(r, 1, 'layer-keys-cli-platform', os.path.join(root, 'libexec'))
    expect(run('token', 'nothing-of-that-name'), 1, 'layer-keys-cli-platform')
    # A usage error of list is found before any of that.
    expect(run('list', '--frobnicate'), 2, '--frobnicate')

    # With it: the tenant's list, signed in with the secret from the
    # environment, which the platform program got.
    shutil.copy2(PLATFORM, os.path.join(root, 'libexec', 'layer-keys-cli-platform'))
    r = run(*listing, secret=S.admin_secret)
    expect(r, 0)
    check(isinstance(json.loads(r.out), list) and len(json.loads(r.out)) > 0, 'no keys listed', r)
    r = run('create', '--help')
    expect(r, 0, 'create NAME')


@case('the man page renders without warnings; the bash completion completes')
def _():
    page = os.path.join(SOURCE_ROOT, 'data', 'cli', 'layer-keys-cli.1')
    completion = os.path.join(SOURCE_ROOT, 'data', 'cli', 'layer-keys-cli.bash-completion')
    if shutil.which('groff'):
        p = subprocess.run(['groff', '-man', '-ww', '-z', page], capture_output=True, text=True)
        check(p.returncode == 0 and p.stderr == '', f'groff: {p.stderr}')
    script = (f'source {completion}; COMP_WORDS=(layer-keys-cli env ci --format d); COMP_CWORD=4; '
              '_layer_keys_cli; echo "${COMPREPLY[*]}"')
    p = subprocess.run(['bash', '-c', script], capture_output=True, text=True)
    check(p.stdout.strip() == 'dotenv', f'completion gave {p.stdout!r} {p.stderr!r}')


@case('usage errors exit 2 with one line: unknown command and option, bad values')
def _():
    expect(cli('frobnicate'), 2, 'no command')
    expect(cli('list', '--frobnicate'), 2, '--frobnicate')
    expect(cli('list', 'extra'), 2)
    expect(cli('env'), 2)
    expect(cli('env', 'x', '--format', 'xml'), 2, 'sh, fish or dotenv')
    expect(cli('exec', 'x', 'sh'), 2, '--')
    expect(cli('create', 'x', '--preset', 'everything'), 2, 'scanner-hybrid')
    expect(cli('create', 'x', '--permission', 'model_scanner'), 2, 'CATEGORY:ACCESS')
    expect(cli('create', 'x', '--permission', 'nothing:rw'), 2, 'model_inventory')
    expect(cli('create', 'x', '--preset', 'read-only', '--expires', '400'), 2, '365')
    expect(cli('create', 'x', '--preset', 'read-only', '--expires', '2020-01-01'), 2, 'future')
    expect(cli('create', 'x', '--preset', 'read-only', '--expires', 'soon'), 2, 'YYYY-MM-DD')
    expect(cli('create', ' ', '--preset', 'read-only'), 2, 'name')
    expect(cli('list', '--platform', 'mars'), 2, 'us, eu')
    expect(cli('list', '--token-url', 'https://x.example/t'), 2, '--platform')
    expect(cli('list', '--platform', 'http://example.com'), 2)
    check(cli('--help').rc == 0 and cli('list', '--help').rc == 0, '--help fails')
    expect(cli(), 2, one_line=False)


@case('a secret given as an argument is refused (exit 2) and not repeated')
def _():
    value = 'argv-secret-0123456789'
    S.secrets.add(value)
    for args in (['--client-secret', value], ['--client-secret=' + value], ['--secret', value],
                 ['--secret=' + value]):
        r = cli('list', '--platform', S.url, '--client-id', S.admin_id, *args)
        expect(r, 2, 'process list', 'LAYER_KEYS_CLIENT_SECRET')
        check(value not in r.err + r.out, 'the secret is repeated', r)
    expect(cli('list', '--platform', S.url, '--client-id', S.admin_id), 2, 'LAYER_KEYS_CLIENT_SECRET')
    expect(cli('list', '--secret-stdin', stdin=S.admin_secret + '\n'), 2, '--client-id')
    expect(cli('list', '--client-id', S.admin_id, secret=S.admin_secret), 2, '--platform')


@case('create refuses a key with every permission unless --all-permissions')
def _():
    expect(admin('create', 'cli-all'), 2, '--all-permissions')
    every = [arg for c in ('api_keys', 'detections', 'inference', 'model_inventory', 'model_scanner',
                           'users') for arg in ('--permission', c + ':rwd')]
    expect(admin('create', 'cli-all', *every), 2, '--all-permissions')
    expect(admin('create', 'cli-all', '--all-permissions', '--preset', 'read-only'), 2)
    names = [k['name'] for k in json.loads(admin('list', '--json').out)]
    check('cli-all' not in names, 'a refused key was created')
    r = admin('create', 'cli-all', '--all-permissions', '--json')
    expect(r, 0)
    key = json.loads(r.out)
    check(sorted(key['permissions']) == sorted(['api_keys', 'detections', 'inference', 'model_inventory',
                                               'model_scanner', 'users']), 'not all permissions', r)
    expect(admin('delete', '--yes', key['id']), 0)


@case('create: the secret goes to the keyring, never to the output')
def _():
    r = admin('create', 'cli-flow', '--preset', 'scanner-hybrid', '--expires', '30', '--json')
    expect(r, 0)
    key = S.flow = json.loads(r.out)
    check(key['name'] == 'cli-flow' and key['stored'] is True, 'not stored', r)
    check(key['permissions'] == {'model_inventory': ['read', 'write'], 'model_scanner': ['write']},
          'wrong permissions', r)
    check('client_secret' not in key, 'the secret is in the output', r)
    secret = lookup_secret(key_id=key['id'], platform=S.url)
    check(secret, 'no secret in the keyring')
    S.secrets.add(secret)
    items = item_attributes(key['id'])
    check(len(items) == 1, f'{len(items)} items')
    item = items[0]
    check(item.get('schema') == SCHEMA_API_KEY and item.get('attribute.platform') == S.url and
          item.get('attribute.client-id') == key['client_id'] and
          item.get('attribute.name') == 'cli-flow', f'item {item}')
    text = admin('create', 'cli-flow-text', '--permission', 'model-scanner:w',
                 '--permission', 'Model Inventory:read,write')
    expect(text, 0, 'cli-flow-text', 'Model Scanner: Write')
    S.secrets.add(lookup_secret(name='cli-flow-text', platform=S.url) or 'x' * 40)
    expect(admin('delete', '--yes', 'cli-flow-text'), 0)


@case('list --stored shows it, from the keyring alone; list marks it stored')
def _():
    r = cli('list', '--stored', '--platform', S.url, '--json')
    expect(r, 0)
    stored = {k['id']: k for k in json.loads(r.out)}
    check(S.flow['id'] in stored and stored[S.flow['id']]['name'] == 'cli-flow', 'not listed', r)
    check(stored[S.flow['id']]['platform'] == S.url, 'wrong platform', r)
    expect(cli('list', '--stored', '--platform', S.url), 0, 'cli-flow', S.flow['client_id'])
    listed = {k['id']: k for k in json.loads(admin('list', '--json').out)}
    check(listed[S.flow['id']]['stored'] is True, 'list does not mark it stored')
    check(listed[S.flow['id']]['stored'] is not None and
          any(not k['stored'] for k in listed.values()), 'every key marked stored')


@case('names, key IDs and client IDs resolve to the same key')
def _():
    outputs = [cli('env', ident, secret_in_stdout=True)
               for ident in ('cli-flow', S.flow['id'], S.flow['client_id'])]
    for r in outputs:
        expect(r, 0)
    check(outputs[0].out == outputs[1].out == outputs[2].out, 'they differ')


@case('an unknown or ambiguous key exits 3 with one line')
def _():
    expect(cli('env', 'cli-no-such-key'), 3, 'cli-no-such-key')
    expect(cli('token', 'cli-no-such-key'), 3)
    expect(cli('exec', 'cli-no-such-key', '--', 'true'), 3)
    other = 'http://127.0.0.1:9'
    store_item('HiddenLayer API key “cli-flow”',
               {'key-id': 'cccccccc-0000-4000-8000-000000000003', 'client-id': 'other-client',
                'name': 'cli-flow', 'platform': other, 'expires': 'never'}, 'other-secret-0123456789')
    S.secrets.add('other-secret-0123456789')
    try:
        expect(cli('env', 'cli-flow'), 3, 'matches 2', S.flow['id'], 'cccccccc')
        expect(cli('env', 'cli-flow', '--platform', S.url, secret_in_stdout=True), 0, one_line=False)
        expect(cli('env', S.flow['id'], secret_in_stdout=True), 0, one_line=False)
    finally:
        clear_items(key_id='cccccccc-0000-4000-8000-000000000003', platform=other)
    expect(admin('delete', '--yes', 'cli-no-such-key'), 3, 'cli-no-such-key')


@case('env: sh, fish, dotenv and JSON each give every variable back')
def _():
    secret = lookup_secret(key_id=S.flow['id'], platform=S.url)
    expected = {'HIDDENLAYER_CLIENT_ID': S.flow['client_id'], 'HIDDENLAYER_CLIENT_SECRET': secret,
                'HIDDENLAYER_BASE_URL': S.url, 'HL_CLIENT_ID': S.flow['client_id'],
                'HL_CLIENT_SECRET': secret}
    sh = cli('env', 'cli-flow', secret_in_stdout=True)
    check(parse_single_quoted(sh.out, False) == expected, 'sh', sh)
    check(parse_single_quoted(cli('env', 'cli-flow', '--format', 'fish', secret_in_stdout=True).out,
                              True) == expected, 'fish')
    check(parse_single_quoted(cli('env', 'cli-flow', '--format', 'dotenv', secret_in_stdout=True).out,
                              True) == expected, 'dotenv')
    check(json.loads(cli('env', 'cli-flow', '--json', secret_in_stdout=True).out) == expected, 'json')
    expect(cli('env', 'cli-flow', '--json', '--format', 'sh'), 2)


@case('env asks the keyring as secret-tool lookup does: no default collection, no item list')
def _():
    """issue 19: looking the default collection up first made a proxy
    whose properties list every item in it, longer than the search."""
    if not shutil.which('dbus-monitor'):
        raise Skip('no dbus-monitor')
    log = os.path.join(S.scratch, 'monitor.log')
    with open(log, 'w') as f:
        monitor = subprocess.Popen(['dbus-monitor', '--session'], stdout=f, stderr=subprocess.STDOUT)
    try:
        # It says NameLost once it monitors.
        deadline = time.monotonic() + 30
        while 'NameLost' not in open(log).read():
            check(monitor.poll() is None and time.monotonic() < deadline, 'dbus-monitor did not start')
            time.sleep(0.05)
        r = cli('env', 'cli-flow', secret_in_stdout=True)
        expect(r, 0, one_line=False)
        time.sleep(0.2)
    finally:
        monitor.terminate()
        monitor.wait(timeout=30)
    with open(log) as f:
        calls = re.findall(r'^method call .*? path=(\S+); interface=\S+; member=(\S+)', f.read(), re.M)
    calls = [(path, member) for path, member in calls if path.startswith('/org/freedesktop/secrets')]
    members = [member for _, member in calls]
    check('SearchItems' in members and 'GetSecrets' in members, f'the calls: {calls}')
    check('ReadAlias' not in members, f'the default collection was looked up: {calls}')
    # One search each by key ID, client ID and name, the secret read with
    # the item found: no fourth search to look the secret up again.
    check(members.count('SearchItems') <= 3 and members.count('GetSecrets') == 1,
          f'more searches than the three: {calls}')
    check(not any(re.fullmatch(r'/org/freedesktop/secrets/(collection|aliases)/[^/]+', path)
                  for path, _ in calls), f'a collection was asked for its properties: {calls}')


def round_trip(name, key_id, secret, formats):
    """Stores @secret as key @name, then evaluates env's output in each of
    @formats with the real shell or reader (and this file's parser)."""
    store_item(f'HiddenLayer API key “{name}”',
               {'key-id': key_id, 'client-id': name + '-client', 'name': name,
                'platform': S.url, 'expires': '2030-01-01'}, secret)
    S.secrets.add(secret)
    work = tempfile.mkdtemp(dir=S.scratch)
    try:
        check(lookup_secret(key_id=key_id, platform=S.url) == secret, 'secret-tool changed it')
        got = {}
        for fmt in formats:
            r = cli('env', name, '--format', fmt, secret_in_stdout=True)
            expect(r, 0, one_line=False)
            path = os.path.join(work, fmt)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as f:
                f.write(r.out)
            got[fmt] = path
        printed = 'printf %s "$HIDDENLAYER_CLIENT_SECRET"'
        if 'sh' in formats:
            p = subprocess.run(['sh', '-c', '. "$1" && ' + printed, 'sh', got['sh']],
                               capture_output=True, cwd=work, timeout=30)
            check(p.stdout.decode() == secret, f'sh gave {p.stdout!r}')
            p = subprocess.run(['sh', '-c', 'eval "$("$0" env "$1")" && ' + printed, CLI, name],
                               capture_output=True, cwd=work, env=S.env, timeout=30)
            check(p.stdout.decode() == secret, f'eval gave {p.stdout!r} {p.stderr!r}')
        if 'fish' in formats:
            with open(got['fish']) as f:
                check(parse_single_quoted(f.read(), True)['HL_CLIENT_SECRET'] == secret, 'fish parser')
            if shutil.which('fish'):
                p = subprocess.run(['fish', '--no-config', '-c',
                                    'source $argv[1]; and printf %s $HIDDENLAYER_CLIENT_SECRET', got['fish']],
                                   capture_output=True, cwd=work, timeout=30)
                check(p.stdout.decode() == secret, f'fish gave {p.stdout!r} {p.stderr!r}')
        if 'dotenv' in formats:
            with open(got['dotenv']) as f:
                check(parse_single_quoted(f.read(), True)['HL_CLIENT_SECRET'] == secret, 'dotenv parser')
            try:
                from dotenv import dotenv_values
            except ImportError:
                dotenv_values = None
            if dotenv_values is not None:
                values = dotenv_values(got['dotenv'], interpolate=False)
                check(values.get('HIDDENLAYER_CLIENT_SECRET') == secret and
                      values.get('HL_CLIENT_SECRET') == secret and values.get('HL_CLIENT_ID') == name + '-client',
                      f'python-dotenv gave {values!r}')
        check(not any(n.startswith('PWNED') for n in os.listdir(work)), 'a command in the secret ran')
    finally:
        shutil.rmtree(work, ignore_errors=True)
        clear_items(key_id=key_id, platform=S.url)


@case('env: a secret with quotes, $, backslashes and newlines round-trips in sh, fish, dotenv')
def _():
    round_trip('cli-weird', 'dddddddd-0000-4000-8000-000000000004', WEIRD_SECRET, ('sh', 'fish', 'dotenv'))


@case('env: a secret ending with a backslash round-trips in sh and fish; dotenv refuses it')
def _():
    key_id = 'dddddddd-0000-4000-8000-000000000007'
    round_trip('cli-trailing', key_id, TRAILING_BACKSLASH_SECRET, ('sh', 'fish'))
    store_item('HiddenLayer API key “cli-trailing”',
               {'key-id': key_id, 'client-id': 'cli-trailing-client', 'name': 'cli-trailing',
                'platform': S.url, 'expires': '2030-01-01'}, TRAILING_BACKSLASH_SECRET)
    try:
        r = cli('env', 'cli-trailing', '--format', 'dotenv')
        expect(r, 1, 'backslash', '--format sh')
        check(r.out == '', 'printed something', r)
    finally:
        clear_items(key_id=key_id, platform=S.url)


@case('exec: the child sees the variables, the parent and the child do not see the admin secret')
def _():
    secret = lookup_secret(key_id=S.flow['id'], platform=S.url)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    script = ('printf %s "$HIDDENLAYER_CLIENT_SECRET" | sha256sum; printf %s "$HL_CLIENT_SECRET" | sha256sum; '
              'printf "%s\\n" "$HIDDENLAYER_CLIENT_ID" "$HL_CLIENT_ID" "$HIDDENLAYER_BASE_URL" '
              '"${LAYER_KEYS_CLIENT_SECRET:-unset}"')
    r = cli('exec', 'cli-flow', '--', 'sh', '-c', script, secret=S.admin_secret)
    expect(r, 0, one_line=False)
    lines = r.out.splitlines()
    check([l.split()[0] for l in lines[:2]] == [digest, digest], 'wrong secret in the child', r)
    check(lines[2:] == [S.flow['client_id'], S.flow['client_id'], S.url, 'unset'], 'wrong variables', r)
    p = subprocess.run(['sh', '-c', '"$0" exec cli-flow -- true && '
                        'printf "%s|%s" "${HIDDENLAYER_CLIENT_SECRET:-unset}" "${HL_CLIENT_ID:-unset}"', CLI],
                       capture_output=True, env=S.env, timeout=30)
    check(p.stdout == b'unset|unset', f'the parent sees {p.stdout!r}')
    check(not any(v in os.environ for v in VARIABLES), 'the test process sees them')
    expect(cli('exec', 'cli-flow', '--', 'sh', '-c', 'exit 42'), 42, one_line=False)
    expect(cli('exec', 'cli-flow', '--', 'cli-no-such-program'), 127, 'cli-no-such-program')


@case('token: a fresh token the simulator accepts for that key')
def _():
    r = cli('token', 'cli-flow')
    expect(r, 0, one_line=False)
    token = r.out.strip()
    check(re.fullmatch(r'[0-9a-f]{64}', token) and r.out.endswith('\n'), 'not a token', r)
    status, me = whoami(S.url, token)
    check(status == 200 and me['key_id'] == S.flow['id'], f'whoami said {status} {me}')
    j = json.loads(cli('token', S.flow['client_id'], '--json').out)
    check(j['token_type'] == 'Bearer' and j['expires_in'] > 0 and whoami(S.url, j['access_token'])[0] == 200,
          f'token --json gave {j}')


@case('delete asks on a terminal, refuses without --yes otherwise')
def _():
    r = admin('delete', 'cli-flow')
    expect(r, 2, '--yes')
    r = admin('delete', 'cli-flow', tty=True, stdin='n\n', prompt='[y/N]')
    expect(r, 1, one_line=False)
    check('Delete? [y/N]' in r.err and 'Nothing was deleted' in r.err, 'no question', r)
    ids = [k['id'] for k in json.loads(admin('list', '--json').out)]
    check(S.flow['id'] in ids, 'deleted without a yes')
    r = admin('create', 'cli-asked', '--preset', 'read-only')
    expect(r, 0, one_line=False)
    S.secrets.add(lookup_secret(name='cli-asked', platform=S.url) or 'x' * 40)
    r = admin('delete', 'cli-asked', tty=True, stdin='y\n', prompt='[y/N]')
    expect(r, 0, 'Deleted', one_line=False)


@case('delete --yes removes the key and its keyring item')
def _():
    r = admin('delete', '--yes', '--json', 'cli-flow')
    expect(r, 0, one_line=False)
    check(json.loads(r.out) == [{'id': S.flow['id'], 'name': 'cli-flow', 'client_id': S.flow['client_id'],
                                 'deleted': True}], 'JSON', r)
    ids = [k['id'] for k in json.loads(admin('list', '--json').out)]
    check(S.flow['id'] not in ids, 'still on the platform')
    check(item_attributes(S.flow['id']) == [], 'the keyring item is still there')
    expect(cli('env', 'cli-flow'), 3)


@case('account: the one Layer Keys remembers, --account, --platform, explicit with stdin')
def _():
    gsettings('region', 'custom')
    gsettings('custom-api-url', S.url)
    gsettings('custom-token-url', S.token_url)
    gsettings('custom-ca-file', '')
    gsettings('last-client-id', S.admin_id)
    # As Layer Keys remembers it: bound to the platform's token URL and CA.
    store_item(f'HiddenLayer sign-in for {S.admin_id} on {S.url}',
               {'xdg:schema': SCHEMA_ACCOUNT, 'platform': S.url, 'client-id': S.admin_id,
                'token-url': S.token_url, 'ca-sha256': 'none'}, S.admin_secret)
    expect(cli('list'), 0, 'CI model scanner', one_line=False)
    expect(cli('list', '--stored'), 0, one_line=False)
    accounts = json.loads(cli('accounts', '--json').out)
    check({'client_id': S.admin_id, 'platform': S.url, 'last_used': True} in accounts, f'{accounts}')
    expect(cli('accounts'), 0, S.admin_id, one_line=False)
    expect(cli('--account', S.admin_id, 'list', '--json'), 0, one_line=False)
    expect(cli('--platform', S.url, 'list', '--json'), 0, one_line=False)
    expect(cli('--account', 'cli-nobody', 'list'), 3, 'cli-nobody')
    # The remembered secret goes to the remembered token URL only.
    expect(cli('--platform', S.url, '--token-url', S.url + '/elsewhere/token', 'list'), 2,
           S.token_url, 'nowhere else')
    elsewhere = f'http://127.0.0.1:{free_port()}'
    store_item('second', {'xdg:schema': SCHEMA_ACCOUNT, 'platform': elsewhere, 'client-id': S.admin_id,
                          'token-url': elsewhere + '/oauth2/token', 'ca-sha256': 'none'},
               S.admin_secret)
    try:
        expect(cli('--account', S.admin_id, 'list'), 3, 'more than one platform')
        expect(cli('--account', S.admin_id, '--platform', S.url, 'list', '--json'), 0, one_line=False)
    finally:
        clear_items(platform=elsewhere, client_id=S.admin_id)
    r = cli('--client-id', S.admin_id, '--platform', S.url, '--secret-stdin', 'list', '--json',
            stdin=S.admin_secret + '\n')
    expect(r, 0, one_line=False)
    r = cli('--client-id', S.admin_id, '--platform', S.url, '--secret-stdin', 'list', '--json',
            stdin=S.admin_secret + '\n', tty=True, prompt='Client secret for')
    expect(r, 0, one_line=False)
    check(f'Client secret for {S.admin_id}: ' in r.err, 'no prompt on a terminal', r)
    expect(cli('--client-id', S.admin_id, '--platform', S.url, '--secret-stdin', 'list'), 2, 'no secret')
    gsettings('last-client-id', '')
    expect(cli('list'), 3, 'No account is remembered')
    gsettings('last-client-id', S.admin_id)


@case('platform errors: 401 (with the detail), 403 naming the permission, 409, 422')
def _():
    r = cli('list', '--platform', S.url, '--client-id', S.admin_id, secret='not-the-secret-at-all')
    expect(r, 1, 'refused', S.admin_id, 'invalid_client')
    r = admin('create', 'cli-limited', '--preset', 'read-only', '--json')
    expect(r, 0, one_line=False)
    limited = json.loads(r.out)
    limited_secret = lookup_secret(key_id=limited['id'], platform=S.url)
    S.secrets.add(limited_secret)
    try:
        r = cli('create', 'cli-denied', '--preset', 'read-only', '--platform', S.url,
                '--client-id', limited['client_id'], secret=limited_secret)
        expect(r, 1, 'Needs API Keys: Write')
        expect(admin('create', 'cli-limited', '--preset', 'read-only'), 1, 'already exists')
    finally:
        expect(admin('delete', '--yes', limited['id']), 0, one_line=False)
    fake = FakePlatform({('POST', '/oauth2/token'): TOKEN_REPLY,
                         ('POST', '/api/v1/api-keys'): (422, {
                             'type': 'about:blank', 'title': 'Unprocessable Entity',
                             'detail': 'The expiry is more than 365 days ahead.',
                             'errors': [{'field': 'expires_at', 'message': 'The expiry is more than 365 days ahead.'}]})})
    try:
        expect(fake_cli(fake, 'create', 'cli-422', '--preset', 'read-only'), 1, 'expires_at',
               'more than 365 days ahead')
    finally:
        fake.close()


@case('issue 20 wording: endpoint missing, token endpoint missing, key gone (exit 3)')
def _():
    fake = FakePlatform({('POST', '/oauth2/token'): TOKEN_REPLY})
    try:
        expect(fake_cli(fake, 'list'), 1, 'accepted the credentials', 'GET /api/v1/api-keys',
               'platform-api.md')
        expect(fake_cli(fake, 'create', 'x', '--preset', 'read-only'), 1, 'POST /api/v1/api-keys')
    finally:
        fake.close()
    fake = FakePlatform({})
    try:
        expect(fake_cli(fake, 'list'), 1, 'no token endpoint at ' + fake.url + '/oauth2/token')
    finally:
        fake.close()
    fake = FakePlatform({('POST', '/oauth2/token'): TOKEN_REPLY,
                         ('GET', '/api/v1/api-keys'): (200, {'items': [FAKE_KEY], 'offset': 0,
                                                             'limit': 100, 'total': 1})})
    try:
        expect(fake_cli(fake, 'delete', '--yes', 'fake key'), 3, 'no longer exists')
    finally:
        fake.close()


@case('network faults: a closed port is one line and exit 1, quickly')
def _():
    closed = f'http://127.0.0.1:{free_port()}'
    started = time.monotonic()
    expect(cli('list', '--platform', closed, '--client-id', 'x', secret='closed-port-secret'), 1,
           'Could not connect')
    key_id = 'eeeeeeee-0000-4000-8000-000000000005'
    store_item('HiddenLayer API key “cli-closed”',
               {'key-id': key_id, 'client-id': 'closed-client', 'name': 'cli-closed', 'platform': closed,
                'expires': 'never'}, 'closed-port-key-secret')
    S.secrets.update(['closed-port-secret', 'closed-port-key-secret'])
    try:
        # list --stored needs no network: it works for a platform that is down.
        expect(cli('list', '--stored', '--platform', closed), 0, 'cli-closed', one_line=False)
        expect(cli('token', 'cli-closed'), 1, 'could not connect to ' + closed + '/oauth2/token')
    finally:
        clear_items(key_id=key_id, platform=closed)
    check(time.monotonic() - started < 60, 'took over a minute')


@case('keyring faults: missing or locked gives one line and exit 1; nothing is created')
def _():
    r = admin('create', 'cli-nokeyring', '--preset', 'read-only',
              env={'DBUS_SESSION_BUS_ADDRESS': 'unix:path=' + os.path.join(S.scratch, 'no-bus')})
    expect(r, 1, 'no keyring service')
    expect(cli('env', 'anything', env={'DBUS_SESSION_BUS_ADDRESS': 'unix:path=/nonexistent'}), 1,
           'no keyring service')
    # Listing needs no keyring, but says what it cannot know.
    r = admin('list', '--json', env={'DBUS_SESSION_BUS_ADDRESS': 'unix:path=/nonexistent'})
    expect(r, 0, 'not known', 'no keyring service', one_line=True)
    check(all(k['stored'] is None for k in json.loads(r.out)), 'stored is claimed', r)
    store_item('HiddenLayer API key “cli-locked”',
               {'key-id': 'ffffffff-0000-4000-8000-000000000006', 'client-id': 'locked-client',
                'name': 'cli-locked', 'platform': S.url, 'expires': 'never'}, 'locked-key-secret-0123')
    S.secrets.add('locked-key-secret-0123')
    try:
        import gi  # noqa: F401
    except ImportError:
        raise Skip('python3-gi is not installed')
    lock_keyring()
    try:
        expect(cli('env', 'cli-locked'), 1, 'locked')
        expect(cli('list'), 1, 'locked')
        expect(admin('create', 'cli-locked-out', '--preset', 'read-only'), 1, 'No key was created', 'locked')
    finally:
        unlock_keyring()
        clear_items(key_id='ffffffff-0000-4000-8000-000000000006', platform=S.url)
    names = [k['name'] for k in json.loads(admin('list', '--json').out)]
    check('cli-locked-out' not in names and 'cli-nokeyring' not in names, 'a key was created anyway')


@case('no secret in anything the CLI printed (stdout of env aside)')
def _():
    secrets = [s for s in S.secrets | {S.admin_secret} if s]
    check(len(secrets) >= 8, f'only {len(secrets)} secrets known')
    for what, text, may_hold in S.captured:
        if may_hold:
            continue
        for secret in secrets:
            check(secret not in text, f'a secret is in {what}')
            for line in secret.splitlines():
                check(len(line) < 12 or line not in text, f'part of a secret is in {what}')


def rotation_state():
    """A state folder of the rotate cases' own, and its journal."""
    folder = os.path.join(S.scratch, 'state')
    journal = os.path.join(folder, 'layer-keys', 'rotations.json')
    document = {}
    if os.path.exists(journal):
        with open(journal) as f:
            document = json.load(f)
    return {'XDG_STATE_HOME': folder}, document


@case('rotate: a verified successor with the same permissions, its secret in the keyring only')
def _():
    state, _ = rotation_state()
    r = admin('create', 'cli-rotate-me', '--preset', 'read-only', '--json', env=state)
    expect(r, 0)
    old = json.loads(r.out)
    S.secrets.add(lookup_secret(key_id=old['id'], platform=S.url) or 'x' * 40)
    r = admin('rotate', old['id'], '--json', env=state)
    expect(r, 0)
    out = json.loads(r.out)
    new = out['successor']
    check(out['stored'] is True and out['verified'] is True and out['old_deleted'] is True,
          'not rotated', r)
    check(out['old']['id'] == old['id'] and new['permissions'] == old['permissions'],
          'not the same permissions', r)
    check(new['name'].startswith('cli-rotate-me (rotated '), 'not the old name with a suffix', r)
    secret = lookup_secret(key_id=new['id'], platform=S.url)
    check(secret, 'the successor\'s secret is not in the keyring')
    S.secrets.add(secret)
    check(secret not in r.out + r.err, 'the secret is in the output', r)
    check(lookup_secret(key_id=old['id'], platform=S.url) is None, 'the old item is still there')
    listed = {k['id'] for k in json.loads(admin('list', '--json').out)}
    check(old['id'] not in listed and new['id'] in listed, 'the old key is still listed')
    # The stored secret works at the token endpoint.
    t = cli('token', new['id'], secret_in_stdout=True)
    expect(t, 0)
    status, who = whoami(S.url, t.out.strip())
    check(status == 200 and who['key_id'] == new['id'], f'whoami {status} {who}')
    _, journal = rotation_state()
    check(journal.get('rotations') == [], f'the journal is not empty: {journal}')
    check(secret not in json.dumps(journal), 'the secret is in the journal')
    expect(admin('delete', '--yes', new['id']), 0)


@case('rotate --delete-old: later keeps both until then, never keeps both; bad values exit 2')
def _():
    state, _ = rotation_state()
    expect(admin('rotate', 'x', '--delete-old', 'soon', env=state), 2, '--delete-old')
    expect(admin('rotate', env=state), 2, 'rotate')
    expect(admin('rotate', 'cli-rotate-no-such', env=state), 3, 'cli-rotate-no-such')
    r = admin('create', 'cli-rotate-later', '--preset', 'read-only', '--json', env=state)
    expect(r, 0)
    old = json.loads(r.out)
    S.secrets.add(lookup_secret(key_id=old['id'], platform=S.url) or 'x' * 40)
    r = admin('rotate', 'cli-rotate-later', '--delete-old', '1h', env=state)
    expect(r, 0, 'cli-rotate-later (rotated ', 'will be deleted at')
    listed = {k['name']: k for k in json.loads(admin('list', '--json').out)}
    successors = [k for name, k in listed.items() if name.startswith('cli-rotate-later (rotated ')]
    check('cli-rotate-later' in listed and len(successors) == 1, 'not both keys', r)
    S.secrets.add(lookup_secret(key_id=successors[0]['id'], platform=S.url) or 'x' * 40)
    _, journal = rotation_state()
    scheduled = [d for d in journal.get('scheduled-deletions', []) if d['key-id'] == old['id']]
    check(journal.get('rotations') == [] and len(scheduled) == 1, f'journal {journal}')
    # Rotating the successor and keeping both.
    r = admin('rotate', successors[0]['id'], '--delete-old', 'never', '--json', env=state)
    expect(r, 0)
    out = json.loads(r.out)
    S.secrets.add(lookup_secret(key_id=out['successor']['id'], platform=S.url) or 'x' * 40)
    check(out['old_deleted'] is False and out['old_delete_at'] is None, 'not kept', r)
    listed = {k['id'] for k in json.loads(admin('list', '--json').out)}
    check({old['id'], successors[0]['id'], out['successor']['id']} <= listed, 'a key is missing')
    for key_id in (old['id'], successors[0]['id'], out['successor']['id']):
        expect(admin('delete', '--yes', key_id), 0)


# ---- Running ----

def start_simulator():
    S.sim = subprocess.Popen([SIM], stdout=subprocess.PIPE, text=True)
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
    if not CLI or not SIM or not PLATFORM:
        print('1..0 # SKIP LK_CLI_BIN, LK_CLI_PLATFORM_BIN or LK_SIM_BIN is not set')
        return 0
    if not os.environ.get('DBUS_SESSION_BUS_ADDRESS') or not shutil.which('secret-tool'):
        print('1..0 # SKIP needs the private session of build-aux/dev test and secret-tool')
        return 0

    S.scratch = tempfile.mkdtemp(prefix='test-cli.')
    S.env = {k: v for k, v in os.environ.items()
             if k not in VARIABLES and k != 'LAYER_KEYS_CLIENT_SECRET'}
    # Settings shared by gsettings and the CLI, in a file of this test's own.
    S.env.update(GSETTINGS_BACKEND='keyfile', XDG_CONFIG_HOME=os.path.join(S.scratch, 'config'),
                 NO_PROXY='127.0.0.1', no_proxy='127.0.0.1')
    start_simulator()

    failed = 0
    try:
        for number, (name, fn) in enumerate(CASES, 1):
            try:
                fn()
                print(f'ok {number} - {name}')
            except Skip as e:
                print(f'ok {number} - {name} # SKIP {e}')
            except Exception:
                failed += 1
                print(f'not ok {number} - {name}')
                for line in traceback.format_exc().splitlines():
                    print('# ' + line)
            sys.stdout.flush()
    finally:
        clear_items(platform=S.url, client_id=S.admin_id)
        S.sim.terminate()
        S.sim.wait(timeout=30)
        shutil.rmtree(S.scratch, ignore_errors=True)
    print(f'1..{len(CASES)}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
