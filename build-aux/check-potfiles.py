#!/usr/bin/env python3
# check-potfiles.py SOURCE_ROOT
#
# Fails when a file under src/ or data/ has translatable strings but is not
# listed in po/POTFILES.in, or when POTFILES.in lists a file that does not
# exist. Translatable means: a call of _(), N_(), C_(), NC_(), ngettext or
# g_d*gettext* in C, translatable="yes" in a .ui file, and every desktop
# file, metainfo file and GSettings schema.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import sys

SCAN_DIRS = ('src', 'data')
C_SUFFIXES = ('.c', '.h')
XML_SUFFIXES = ('.ui', '.xml', '.xml.in')
ALWAYS = ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in', '.gschema.xml')

C_CALL = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|ngettext|g_dngettext|'
                    r'g_dgettext|g_dpgettext|g_dpgettext2|g_dcgettext)\s*\(')
UI_MARK = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']', re.I)
XML_COMMENT = re.compile(r'<!--.*?-->', re.S)


def strip_c_comments(text):
    """Blanks out C comments, keeping string and character literals."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '/' and text.startswith('/*', i):
            end = text.find('*/', i + 2)
            i = n if end < 0 else end + 2
            out.append(' ')
        elif c == '/' and text.startswith('//', i):
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def is_translatable(path):
    name = os.path.basename(path)
    if name.endswith(ALWAYS):
        return True
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return False
    if name.endswith(C_SUFFIXES):
        return C_CALL.search(strip_c_comments(text)) is not None
    if name.endswith(XML_SUFFIXES):
        return UI_MARK.search(XML_COMMENT.sub('', text)) is not None
    return False


def main():
    if len(sys.argv) != 2:
        print(f'usage: {sys.argv[0]} SOURCE_ROOT', file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    potfiles_path = os.path.join(root, 'po', 'POTFILES.in')

    listed = []
    with open(potfiles_path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                listed.append(line)

    found = []
    for top in SCAN_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top), followlinks=True):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if is_translatable(path):
                    found.append(os.path.relpath(path, root).replace(os.sep, '/'))

    missing = [p for p in found if p not in listed]
    absent = [p for p in listed if not os.path.isfile(os.path.join(root, p))]
    dups = sorted({p for p in listed if listed.count(p) > 1})
    unused = [p for p in listed if p not in found and p not in absent]

    status = 0
    if missing:
        status = 1
        print('FAIL: these files have translatable strings but are not in po/POTFILES.in.\n'
              'Add these lines to po/POTFILES.in:', file=sys.stderr)
        for p in missing:
            print(f'  {p}', file=sys.stderr)
    if absent:
        status = 1
        print('FAIL: po/POTFILES.in lists files that do not exist.\n'
              'Remove these lines from po/POTFILES.in:', file=sys.stderr)
        for p in absent:
            print(f'  {p}', file=sys.stderr)
    if dups:
        status = 1
        print('FAIL: po/POTFILES.in lists these files more than once:', file=sys.stderr)
        for p in dups:
            print(f'  {p}', file=sys.stderr)
    for p in unused:
        # Harmless for xgettext; worth knowing.
        print(f'note: {p} is listed but has no translatable strings')
    if status == 0:
        print(f'OK: all {len(found)} files with translatable strings are in po/POTFILES.in')
    return status


if __name__ == '__main__':
    sys.exit(main())
