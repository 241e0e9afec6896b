#!/usr/bin/env python3
# test-profile.py SOURCE_ROOT
#
# The development profile is a second app: `meson setup -Dprofile=development`
# (in a throwaway build directory; only the data files are built) must give
# io.github.layerkeys.LayerKeys.Devel its own settings schema (ID and path),
# desktop file, metainfo, icon names, D-Bus service, licence directory and
# keyring schema names, with nothing installed under the released app's ID,
# and config.h must tell the code which profile it is.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BASE = 'io.github.layerkeys.LayerKeys'
DEVEL = BASE + '.Devel'
failures = []


def check(cond, message):
    if not cond:
        failures.append(message)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kwargs).stdout


def main():
    source = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix='layer-keys-profile.') as tmp:
        build = os.path.join(tmp, 'build')
        try:
            run(['meson', 'setup', build, source, '-Dtests=false', '-Dprofile=development'])
            run(['ninja', '-C', build, f'data/{DEVEL}.desktop', f'data/{DEVEL}.metainfo.xml',
                 'data/gschemas.compiled'])
        except subprocess.CalledProcessError as e:
            print(e.stdout, file=sys.stderr)
            print(f'FAIL: {" ".join(e.cmd)}', file=sys.stderr)
            return 1
        data = os.path.join(build, 'data')

        config = open(os.path.join(build, 'config.h'), encoding='utf-8').read()
        for name, value in (('APP_ID', f'"{DEVEL}"'), ('PROFILE', '"development"'),
                            ('LK_DEVEL_PROFILE', '1'),
                            ('LK_KEYRING_SCHEMA_API_KEY', f'"{DEVEL}.ApiKey"'),
                            ('LK_KEYRING_SCHEMA_ACCOUNT', f'"{DEVEL}.Account"')):
            check(re.search(rf'^#define {name} {re.escape(value)}$', config, re.M),
                  f'config.h does not define {name} {value}')

        desktop = open(os.path.join(data, DEVEL + '.desktop'), encoding='utf-8').read()
        check(re.search(rf'^Icon={re.escape(DEVEL)}$', desktop, re.M), 'the desktop file\'s Icon is not the Devel ID')
        service = open(os.path.join(data, DEVEL + '.service'), encoding='utf-8').read()
        check(re.search(rf'^Name={re.escape(DEVEL)}$', service, re.M), 'the D-Bus service is not named by the Devel ID')

        schema = ET.parse(os.path.join(data, DEVEL + '.gschema.xml')).getroot()
        ids = {s.get('id'): s.get('path') for s in schema.findall('schema')}
        check(ids == {DEVEL: '/io/github/layerkeys/LayerKeys/Devel/'},
              f'the settings schema is {ids}, expected {DEVEL} at its own path')
        enums = [e.get('id') for e in schema.findall('enum')]
        check(all(e.startswith(DEVEL + '.') for e in enums), f'enums outside the Devel ID: {enums}')
        compiled = run(['gsettings', 'list-schemas'], env=dict(os.environ, GSETTINGS_SCHEMA_DIR=data))
        check(DEVEL in compiled.split(), 'the compiled schemas lack the Devel schema')

        metainfo = ET.parse(os.path.join(data, DEVEL + '.metainfo.xml')).getroot()
        check(metainfo.findtext('id') == DEVEL, 'the metainfo id is not the Devel ID')
        check(metainfo.findtext('launchable') == DEVEL + '.desktop', 'the metainfo does not launch the Devel desktop file')

        for validator in (['appstreamcli', 'validate', '--no-net', os.path.join(data, DEVEL + '.metainfo.xml')],
                          [sys.executable, os.path.join(source, 'build-aux', 'validate-desktop.py'),
                           os.path.join(data, DEVEL + '.desktop')],
                          [sys.executable, os.path.join(source, 'build-aux', 'check-flatpak.py'),
                           os.path.join(source, 'flatpak', DEVEL + '.json'), DEVEL,
                           '--metainfo', os.path.join(data, DEVEL + '.metainfo.xml'),
                           '--desktop', os.path.join(data, DEVEL + '.desktop')]):
            result = subprocess.run(validator, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            check(result.returncode == 0, f'{" ".join(validator)} fails:\n{result.stdout}')

        # What `meson install` would install (no compiling needed to ask).
        installed = json.loads(run(['meson', 'introspect', '--installed', build]))
        paths = sorted(p for p in installed.values())
        named = [p for p in paths if 'layerkeys' in p.lower()]
        check(named, 'nothing installed is named by the app ID')
        for p in named:
            check(DEVEL in p, f'{p} is installed under the released app\'s ID')
        for suffix in (f'/share/icons/hicolor/scalable/apps/{DEVEL}.svg',
                       f'/share/icons/hicolor/symbolic/apps/{DEVEL}-symbolic.svg',
                       f'/share/licenses/{DEVEL}/COPYING',
                       f'/share/applications/{DEVEL}.desktop',
                       f'/share/metainfo/{DEVEL}.metainfo.xml',
                       f'/share/dbus-1/services/{DEVEL}.service',
                       f'/share/glib-2.0/schemas/{DEVEL}.gschema.xml'):
            check(any(p.endswith(suffix) for p in paths), f'nothing installs …{suffix}')

    for f in failures:
        print(f'FAIL: {f}', file=sys.stderr)
    if failures:
        return 1
    print(f'OK: -Dprofile=development builds {DEVEL}: its own schema, desktop file, metainfo, '
          'icons, D-Bus service, licence directory and keyring schema names')
    return 0


if __name__ == '__main__':
    sys.exit(main())
