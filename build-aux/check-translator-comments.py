#!/usr/bin/env python3
# check-translator-comments.py SOURCE_ROOT
#
# Every string a translator must fill in (a plural, or a string with a
# printf placeholder) needs a "Translators:" comment right above it in the
# C source, saying what the placeholders stand for: otherwise a translator
# guesses.  Runs xgettext over the C files of po/POTFILES.in and lists
# each such string without a comment, with its place.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import subprocess
import sys
import tempfile

PLACEHOLDER = re.compile(r'%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:l|ll|h|z|j)?[diouxXsScfeEgGp]')


def main():
    root = sys.argv[1]
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        files = [line.strip() for line in f
                 if line.strip() and not line.startswith('#') and line.strip().endswith('.c')]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'check.pot')
        subprocess.run(['xgettext', '--from-code=UTF-8', '--add-comments=Translators',
                        '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2',
                        '--keyword=NC_:1c,2', '--keyword=ngettext:1,2',
                        '--keyword=g_dngettext:2,3', '--no-wrap', '-D', root,
                        '-o', pot] + files, check=True)
        with open(pot, encoding='utf-8') as f:
            blocks = f.read().split('\n\n')[1:]

    missing = []
    for block in blocks:
        lines = block.strip().split('\n')
        plural = any(line.startswith('msgid_plural') for line in lines)
        msgid = ''.join(re.findall(r'^(?:msgid|msgid_plural|)\s*"(.*)"$',
                                   '\n'.join(l for l in lines if not l.startswith('msgstr')),
                                   re.M))
        if not plural and not PLACEHOLDER.search(msgid.replace('%%', '')):
            continue
        if any(line.startswith('#. ') for line in lines):
            continue
        places = ' '.join(l[3:] for l in lines if l.startswith('#: '))
        missing.append('%s: %s' % (places, msgid[:70]))

    for item in missing:
        print('no translator comment: ' + item)
    if missing:
        print('\n%d string(s) with placeholders or plurals lack a "/* Translators: ... */"'
              ' comment right above them.' % len(missing))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
