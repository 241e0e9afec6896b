#!/usr/bin/env python3
# check-flatpak.py MANIFEST APP_ID [--metainfo FILE] [--desktop FILE]
#                                  [--version VERSION]
#
# Checks the Flatpak manifest offline (flatpak-builder cannot reach Flathub
# here) against what Flathub's linter and reviewers ask of it: it parses
# as JSON, names the app by its ID (the file name too), the GNOME runtime
# and SDK no older than RUNTIME_VERSION, the command, exactly the sandbox
# holes the design allows, and builds the app with meson in the profile
# its ID calls for, running its tests. With --metainfo and --desktop it
# checks the built metainfo and desktop file for the rules that appstreamcli
# and desktop-file-validate do not know: one identity (the URLs are the
# project the app ID names), a summary of at most 35 characters, the
# independent-client sentence, screenshots pinned to the release tag, a
# release entry for VERSION, SingleMainWindow=true.
#
# build-aux/flatpak-repo runs it before building; `meson test` runs it on
# both manifests.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

# The runtime the app is built for. GNOME 51 (September 2026) is the newest
# GNOME release; see the README's Install section for why. Older ones are
# refused: Flathub's linter warns once a runtime is end-of-life and fails
# it three releases behind.
RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'
RUNTIME_VERSION = 51

BASE_APP_ID = 'io.github.layerkeys.LayerKeys'
DEVEL_SUFFIX = '.Devel'

EXPECTED_FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    # libsecret's SecretService API reaches the user's own keyring through
    # this name; without it secrets would land in an app-private file.
    # docs/flathub.md explains it to Flathub's reviewers.
    '--talk-name=org.freedesktop.secrets',
]

SUMMARY_MAX = 35
# What the metainfo's description must say plainly.
INDEPENDENT = re.compile(r'\bindependent\b.*\bunofficial\b.*HiddenLayer', re.S)
URL_TYPES = ('homepage', 'bugtracker', 'vcs-browser', 'translate', 'contribute')

problems = []


def check(cond, message):
    if not cond:
        problems.append(message)
    return cond


def project_url(app_id):
    """https://github.com/OWNER/REPO for io.github.OWNER.REPO[.Devel], as
    Flathub derives it (it compares case-insensitively; we want it exact)."""
    base = app_id[:-len(DEVEL_SUFFIX)] if app_id.endswith(DEVEL_SUFFIX) else app_id
    parts = base.split('.')
    if len(parts) != 4 or parts[:2] != ['io', 'github']:
        return None
    return f'https://github.com/{parts[2]}/{parts[3]}'


def check_manifest(path, app_id):
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        check(False, f'cannot read {path}: {e}')
        return None

    check(isinstance(manifest, dict), 'the manifest is not a JSON object')
    if not isinstance(manifest, dict):
        return None
    check(os.path.basename(path) == app_id + '.json',
          f'the manifest file should be named {app_id}.json')
    check(not os.path.islink(path), 'the manifest is a symbolic link (Flathub refuses that)')
    check(app_id in (BASE_APP_ID, BASE_APP_ID + DEVEL_SUFFIX),
          f'{app_id} is neither {BASE_APP_ID} nor its development profile')
    check('app-id' not in manifest, 'use "id", not the older "app-id"')
    check(manifest.get('id') == app_id, f'id is {manifest.get("id")!r}, expected {app_id!r}')
    check('branch' not in manifest, 'a top-level "branch" is not wanted (Flathub sets it)')
    check(manifest.get('runtime') == RUNTIME,
          f'runtime is {manifest.get("runtime")!r}, expected {RUNTIME}')
    check(manifest.get('sdk') == SDK, f'sdk is {manifest.get("sdk")!r}, expected {SDK}')
    version = manifest.get('runtime-version')
    check(isinstance(version, str) and version.isdigit() and int(version) >= RUNTIME_VERSION,
          f'runtime-version is {version!r}: GNOME {RUNTIME_VERSION} or newer is required '
          f'(a stable release, as a string such as "{RUNTIME_VERSION}")')
    check(manifest.get('command') == 'layer-keys',
          f'command is {manifest.get("command")!r}, expected layer-keys (a name, not a path)')

    finish_args = manifest.get('finish-args')
    if check(isinstance(finish_args, list), 'finish-args is missing or not a list'):
        missing = [a for a in EXPECTED_FINISH_ARGS if a not in finish_args]
        extra = [a for a in finish_args if a not in EXPECTED_FINISH_ARGS]
        dups = sorted({a for a in finish_args if finish_args.count(a) > 1})
        check(not missing, 'finish-args lacks: ' + ', '.join(missing))
        check(not extra, 'finish-args has more than the design allows: ' + ', '.join(map(str, extra)))
        check(not dups, 'finish-args repeats: ' + ', '.join(dups))

    cleanup = manifest.get('cleanup', [])
    check(not any(str(c).startswith('/lib/debug') for c in cleanup),
          'cleanup removes /lib/debug (Flathub refuses that)')

    modules = manifest.get('modules')
    app_module = None
    if check(isinstance(modules, list) and modules, 'modules is missing or empty'):
        app_module = modules[-1]
        check(isinstance(app_module, dict), 'the last module is not an object')
    if isinstance(app_module, dict):
        check_app_module(path, app_id, app_module)
    return manifest


def check_app_module(path, app_id, module):
    check(module.get('name') == 'layer-keys',
          f'the last module is {module.get("name")!r}, expected layer-keys')
    check(module.get('buildsystem') == 'meson', 'the app module does not build with meson')
    check(module.get('run-tests') is True, 'the app module does not run the tests (run-tests: true)')
    opts = module.get('config-opts', [])
    if check(isinstance(opts, list) and all(isinstance(o, str) for o in opts),
             'config-opts is not a list of strings'):
        profile = 'development' if app_id.endswith(DEVEL_SUFFIX) else 'default'
        check(f'-Dprofile={profile}' in opts,
              f'config-opts should build the {profile} profile (-Dprofile={profile}) for {app_id}')
        check(not any(o.startswith('-Dprofile=') and o != f'-Dprofile={profile}' for o in opts),
              'config-opts sets another profile as well')
    build_args = module.get('build-options', {}).get('build-args', [])
    check('--share=network' not in build_args, 'the build must not need the network')

    sources = [s for s in module.get('sources') or [] if isinstance(s, dict)]
    check(len(sources) == 1, 'the app module should have exactly one source: the repository')
    for source in sources:
        kind = source.get('type')
        if kind == 'dir':
            # Our own repository builds the checkout (build-aux/flatpak-repo).
            src = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)),
                                                source.get('path', '')))
            check(os.path.isfile(os.path.join(src, 'meson.build')),
                  f'the dir source {source.get("path")!r} is not the repository (no meson.build at {src})')
        elif kind == 'git':
            # Flathub's form (docs/flathub.md): a release tag and its commit.
            url = source.get('url', '')
            expected = project_url(app_id)
            check(url.rstrip('/').removesuffix('.git') == expected,
                  f'the git source is {url!r}, expected {expected}.git')
            check(bool(source.get('tag')) and re.fullmatch(r'[0-9a-f]{40}', source.get('commit', '')),
                  'the git source needs both a release tag and its full commit hash')
            check('branch' not in source, 'the git source must not follow a branch')
        else:
            check(False, f'the app module\'s source is of type {kind!r}, expected "dir" or "git"')


def check_with_flatpak_builder(path):
    """flatpak-builder's own reading of the manifest, where it is installed
    (build-aux/dev installs it): Flathub's linter fails a manifest with an
    unknown property or a value of the wrong type, which flatpak-builder
    only warns about. Needs no SDK."""
    exe = shutil.which('flatpak-builder')
    if exe is None:
        return False
    run = subprocess.run([exe, '--show-manifest', path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(run.returncode == 0, f'flatpak-builder --show-manifest fails: {run.stderr.strip()}')
    warnings = [line.strip() for line in run.stderr.splitlines()
                if re.search(r'WARNING|CRITICAL|error', line, re.I)]
    check(not warnings, 'flatpak-builder reads the manifest with warnings: ' + '; '.join(warnings))
    return True


def text_of(element):
    return ' '.join(''.join(element.itertext()).split()) if element is not None else ''


def check_metainfo(path, app_id, version):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        check(False, f'cannot read the metainfo {path}: {e}')
        return
    url = project_url(app_id)
    check(root.get('type') == 'desktop-application', 'the metainfo is not a desktop-application')
    check(root.findtext('id') == app_id, f'metainfo id is {root.findtext("id")!r}, expected {app_id}')
    launchable = root.find('launchable')
    check(launchable is not None and launchable.text == app_id + '.desktop',
          f'the metainfo should launch {app_id}.desktop')
    check(root.findtext('project_license') == 'GPL-3.0-or-later',
          'project_license should be GPL-3.0-or-later, as COPYING and meson.build say')
    summaries = [s for s in root.findall('summary') if s.get('{http://www.w3.org/XML/1998/namespace}lang') is None]
    summary = text_of(summaries[0]) if summaries else ''
    check(0 < len(summary) <= SUMMARY_MAX,
          f'the summary {summary!r} has {len(summary)} characters; Flathub wants at most {SUMMARY_MAX}')
    check(not summary.endswith('.'), 'the summary should not end with a full stop')
    description = ' '.join(text_of(p) for p in root.findall('description/p')
                           if p.get('{http://www.w3.org/XML/1998/namespace}lang') is None)
    check(INDEPENDENT.search(description) is not None,
          'the description does not say plainly that Layer Keys is an independent, '
          'unofficial client for the HiddenLayer AISec Platform')

    urls = {u.get('type'): (u.text or '').strip() for u in root.findall('url')}
    for kind in URL_TYPES:
        value = urls.get(kind, '')
        check(value == url or value.startswith(url + '/') or value.startswith(url + '#'),
              f'the {kind} URL {value!r} is not the project the app ID names ({url})')

    tag = f'v{version}' if version else None
    images = [(i.text or '').strip() for i in root.findall('screenshots/screenshot/image')]
    check(images, 'the metainfo has no screenshots')
    for image in images:
        check(re.search(r'/(main|master|HEAD|trunk)/', image) is None,
              f'the screenshot {image} follows a branch; pin it to a release tag')
        if tag:
            raw = url.replace('https://github.com/', 'https://raw.githubusercontent.com/')
            check(image.startswith(f'{raw}/{tag}/'),
                  f'the screenshot {image} is not pinned to the release tag {tag} of {url}')
    check(root.find('screenshots/screenshot[@type="default"]') is not None,
          'no screenshot is marked type="default"')

    releases = [r.get('version') for r in root.findall('releases/release')]
    check(releases, 'the metainfo has no release entry')
    if version:
        check(version in releases, f'the metainfo has no release entry for {version}')
        check(not releases or releases[0] == version,
              f'the newest release entry is {releases[0] if releases else None}, expected {version}')
    check(root.find('content_rating') is not None, 'the metainfo has no content_rating')
    developer = root.find('developer')
    check(developer is not None and developer.get('id') and developer.findtext('name'),
          'the metainfo needs a developer with an id and a name')


def check_desktop(path, app_id):
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str
    try:
        with open(path, encoding='utf-8') as f:
            entry.read_file(f)
        group = entry['Desktop Entry']
    except (OSError, KeyError, configparser.Error) as e:
        check(False, f'cannot read the desktop file {path}: {e}')
        return
    check(os.path.basename(path) == app_id + '.desktop', f'the desktop file should be {app_id}.desktop')
    check(group.get('SingleMainWindow') == 'true', 'the desktop file lacks SingleMainWindow=true')
    check(group.get('Icon') == app_id, f'the desktop file\'s Icon is {group.get("Icon")!r}, expected {app_id}')
    check(group.get('Exec', '').split()[:1] == ['layer-keys'], 'the desktop file does not run layer-keys')
    check(group.get('DBusActivatable') == 'true', 'the desktop file is not DBusActivatable')
    low = {'GTK', 'Qt', 'KDE', 'GNOME', 'Motif', 'Java', 'Application', 'XFCE', 'DDE'}
    cats = {c for c in group.get('Categories', '').split(';') if c}
    check(cats - low, 'the desktop file has no category beyond toolkit names')
    check(group.get('NoDisplay', 'false') != 'true' and group.get('Hidden', 'false') != 'true',
          'the desktop file hides the app')


def main():
    parser = argparse.ArgumentParser(description='Checks the Flatpak manifest (and metainfo, desktop file) offline.')
    parser.add_argument('manifest')
    parser.add_argument('app_id')
    parser.add_argument('--metainfo')
    parser.add_argument('--desktop')
    parser.add_argument('--version', help='the project version, for the release entry and the screenshot tag')
    args = parser.parse_args()

    manifest = check_manifest(args.manifest, args.app_id)
    builder = manifest is not None and check_with_flatpak_builder(args.manifest)
    if args.metainfo:
        check_metainfo(args.metainfo, args.app_id, args.version)
    if args.desktop:
        check_desktop(args.desktop, args.app_id)

    if problems:
        for p in problems:
            print(f'FAIL: {p}', file=sys.stderr)
        return 1
    checked = ', '.join(x for x in ('flatpak-builder' if builder else '',
                                    'metainfo' if args.metainfo else '',
                                    'desktop file' if args.desktop else '') if x)
    print(f'OK: {args.manifest}: {args.app_id} on {manifest["runtime"]}//{manifest["runtime-version"]}, '
          f'{len(manifest["finish-args"])} finish-args as designed' + (f'; {checked} agree' if checked else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
