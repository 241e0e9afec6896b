#!/usr/bin/env python3
# validate-desktop.py DESKTOP_FILE
#
# Runs desktop-file-validate on DESKTOP_FILE and fails on any error it
# reports, with one exception: keys of the Desktop Entry specification 1.5
# that Debian 12's desktop-file-utils (0.26, which knows 1.4) takes for
# unknown extensions. Flathub's validator is newer and knows them; this
# script checks their values itself instead, so the file passes both.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import configparser
import re
import subprocess
import sys

# Desktop Entry 1.5 keys, and the values they may have.
SPEC_1_5_BOOLEANS = ('SingleMainWindow',)

UNKNOWN_KEY = re.compile(r'error: file contains key "([^"]+)" in group "Desktop Entry", '
                         r'but keys extending the format should start with "X-"')


def main():
    if len(sys.argv) != 2:
        print(f'usage: {sys.argv[0]} DESKTOP_FILE', file=sys.stderr)
        return 2
    path = sys.argv[1]
    run = subprocess.run(['desktop-file-validate', path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    errors = []
    tolerated = []
    for line in run.stdout.splitlines():
        m = UNKNOWN_KEY.search(line)
        if m and m.group(1) in SPEC_1_5_BOOLEANS:
            tolerated.append(m.group(1))
            continue
        print(line)
        if ': error: ' in line:
            errors.append(line)
    if run.returncode != 0 and not errors and not tolerated:
        errors.append(f'desktop-file-validate exited with {run.returncode}')

    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str
    entry.read(path, encoding='utf-8')
    for key in SPEC_1_5_BOOLEANS:
        value = entry.get('Desktop Entry', key, fallback=None)
        if value is not None and value not in ('true', 'false'):
            errors.append(f'{path}: {key}={value} is not a boolean (true or false)')

    for e in errors:
        print(f'FAIL: {e}', file=sys.stderr)
    if errors:
        return 1
    note = f' ({", ".join(tolerated)}: Desktop Entry 1.5, checked here)' if tolerated else ''
    print(f'OK: {path}{note}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
