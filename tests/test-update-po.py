#!/usr/bin/env python3
# test-update-po.py SOURCE_ROOT
#
# `meson compile layer-keys-update-po` must leave po/ as committed: in a
# copy of the source tree (the real one is never touched), it regenerates
# the template from po/POTFILES.in and merges it into every language of
# po/LINGUAS. Then each .po must have the same messages and translations
# as the source tree's (file references and the template's date may move
# as files do; nothing else), and no string may be untranslated, fuzzy
# (a guess msgmerge made for a changed string) or obsolete (a string the
# code no longer has). Prints what to do when it fails.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = re.compile(r'^(\.git|\.flatpak-builder|build|build-(?!aux$).*|_build.*|builddir|bench-out|\.cache|repo|.*\.flatpak)$')


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kwargs).stdout


def messages(po):
    """The messages of @po, without file references or the template's date."""
    text = run(['msgcat', '--no-location', '--no-wrap', '--sort-output', po])
    return re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', '', text)


def linguas(po_dir):
    langs = []
    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        for line in f:
            langs += line.split('#')[0].split()
    return langs


def main():
    if len(sys.argv) != 2:
        print(f'usage: {sys.argv[0]} SOURCE_ROOT', file=sys.stderr)
        return 2
    source = os.path.abspath(sys.argv[1])
    langs = linguas(os.path.join(source, 'po'))
    if not langs:
        print('FAIL: po/LINGUAS names no language', file=sys.stderr)
        return 1

    failures = []
    with tempfile.TemporaryDirectory(prefix='layer-keys-update-po.') as tmp:
        copy = os.path.join(tmp, 'src')
        shutil.copytree(source, copy, symlinks=True,
                        ignore=lambda d, names: [n for n in names
                                                 if d == source and SKIP.match(n)])
        build = os.path.join(tmp, 'build')
        try:
            run(['meson', 'setup', build, copy, '-Dtests=false'])
            run(['meson', 'compile', '-C', build, 'layer-keys-update-po'])
        except subprocess.CalledProcessError as e:
            print(e.stdout, file=sys.stderr)
            print(f'FAIL: {" ".join(e.cmd)} failed', file=sys.stderr)
            return 1

        for lang in langs:
            committed = os.path.join(source, 'po', lang + '.po')
            updated = os.path.join(copy, 'po', lang + '.po')
            if not os.path.isfile(committed):
                failures.append(f'po/LINGUAS names {lang}, but po/{lang}.po does not exist')
                continue
            stats = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, updated])
            print(f'{lang}: {stats.strip()}')
            for flag, what in (('--untranslated', 'untranslated'),
                               ('--only-fuzzy', 'fuzzy'),
                               ('--only-obsolete', 'obsolete (no longer in the code)')):
                found = run(['msgattrib', flag, '--no-location', '--no-wrap', updated])
                ids = re.findall(r'^(?:#~ )?msgid "(.+)"$', found, re.M)
                if ids:
                    failures.append(f'po/{lang}.po has {len(ids)} {what} string(s) after update-po: '
                                    + '; '.join(ids[:10]) + (' …' if len(ids) > 10 else ''))
            before, after = messages(committed), messages(updated)
            if before != after:
                diff = ''.join(difflib.unified_diff(
                    before.splitlines(True), after.splitlines(True),
                    f'po/{lang}.po (as committed)', f'po/{lang}.po (after update-po)'))
                failures.append(f'po/{lang}.po changes under update-po:\n{diff[:4000]}')

    for f in failures:
        print(f'FAIL: {f}', file=sys.stderr)
    if failures:
        print('Run `meson compile -C build layer-keys-update-po`, translate what is new or '
              'fuzzy (and drop the fuzzy flag), delete obsolete (#~) entries, and commit po/.',
              file=sys.stderr)
        return 1
    print(f'OK: update-po leaves {", ".join("po/" + l + ".po" for l in langs)} as committed, '
          'every string translated')
    return 0


if __name__ == '__main__':
    sys.exit(main())
