#!/usr/bin/env python3
# check-flatpak.py MANIFEST APP_ID
#
# Checks the Flatpak manifest offline (flatpak-builder cannot reach Flathub
# here): it parses as JSON, names the app, a GNOME runtime and SDK and the
# command, grants exactly the sandbox holes the design allows, and builds
# the app with meson from the repository, running its tests.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import sys

EXPECTED_FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    # libsecret's SecretService API reaches the user's own keyring through
    # this name; without it secrets would land in an app-private file.
    '--talk-name=org.freedesktop.secrets',
]

problems = []


def check(cond, message):
    if not cond:
        problems.append(message)
    return cond


def main():
    if len(sys.argv) != 3:
        print(f'usage: {sys.argv[0]} MANIFEST APP_ID', file=sys.stderr)
        return 2
    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'FAIL: cannot read {path}: {e}', file=sys.stderr)
        return 1

    check(os.path.basename(path) == app_id + '.json',
          f'the manifest file should be named {app_id}.json')
    manifest_id = manifest.get('app-id', manifest.get('id'))
    check(manifest_id == app_id, f'app-id is {manifest_id!r}, expected {app_id!r}')
    check(manifest.get('runtime') == 'org.gnome.Platform',
          f'runtime is {manifest.get("runtime")!r}, expected org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk',
          f'sdk is {manifest.get("sdk")!r}, expected org.gnome.Sdk')
    version = manifest.get('runtime-version')
    check(isinstance(version, str) and version.isdigit() and int(version) >= 47,
          f'runtime-version is {version!r}, expected a stable GNOME release such as "47"')
    check(manifest.get('command') == 'layer-keys',
          f'command is {manifest.get("command")!r}, expected layer-keys')

    finish_args = manifest.get('finish-args')
    if check(isinstance(finish_args, list), 'finish-args is missing or not a list'):
        missing = [a for a in EXPECTED_FINISH_ARGS if a not in finish_args]
        extra = [a for a in finish_args if a not in EXPECTED_FINISH_ARGS]
        dups = sorted({a for a in finish_args if finish_args.count(a) > 1})
        check(not missing, 'finish-args lacks: ' + ', '.join(missing))
        check(not extra, 'finish-args has more than the design allows: ' + ', '.join(map(str, extra)))
        check(not dups, 'finish-args repeats: ' + ', '.join(dups))

    modules = manifest.get('modules')
    app_module = None
    if check(isinstance(modules, list) and modules, 'modules is missing or empty'):
        app_module = modules[-1]
        check(isinstance(app_module, dict), 'the last module is not an object')
    if isinstance(app_module, dict):
        check(app_module.get('name') == 'layer-keys',
              f'the last module is {app_module.get("name")!r}, expected layer-keys')
        check(app_module.get('buildsystem') == 'meson', 'the app module does not build with meson')
        check(app_module.get('run-tests') is True, 'the app module does not run the tests (run-tests: true)')
        opts = app_module.get('config-opts', [])
        check(isinstance(opts, list) and all(isinstance(o, str) for o in opts),
              'config-opts is not a list of strings')
        sources = app_module.get('sources')
        dir_sources = [s for s in sources or [] if isinstance(s, dict) and s.get('type') == 'dir']
        if check(len(dir_sources) == 1, 'the app module should have one source of type "dir"'):
            src = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)),
                                                dir_sources[0].get('path', '')))
            check(os.path.isfile(os.path.join(src, 'meson.build')),
                  f'the dir source {dir_sources[0].get("path")!r} is not the repository (no meson.build at {src})')

    if problems:
        for p in problems:
            print(f'FAIL: {p}', file=sys.stderr)
        return 1
    print(f'OK: {path}: {manifest_id} on {manifest["runtime"]}//{version}, '
          f'{len(finish_args)} finish-args as designed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
