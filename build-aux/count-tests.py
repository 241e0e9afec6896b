#!/usr/bin/env python3
# Counts test cases in meson's testlog.json and prints
# "N passed, N failed, N skipped".  TAP tests count per case; other tests
# count once.  Exits 1 when anything failed or nothing ran.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import re
import sys

passed = failed = skipped = 0
try:
    lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
except OSError as e:
    print(f'cannot read the test log: {e}', file=sys.stderr)
    print('0 passed, 1 failed, 0 skipped')
    sys.exit(1)

tap_ok = re.compile(r'^(not )?ok\b(.*)$')
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    result = t.get('result')
    if t.get('protocol') == 'tap':
        p = f = s = 0
        for out in (t.get('stdout') or '').splitlines():
            m = tap_ok.match(out)
            if not m:
                continue
            rest = m.group(2)
            if re.search(r'#\s*skip', rest, re.I):
                s += 1
            elif m.group(1) and re.search(r'#\s*todo', rest, re.I):
                s += 1
            elif m.group(1):
                f += 1
            else:
                p += 1
        if result not in ('OK', 'EXPECTEDFAIL', 'SKIP') and f == 0:
            f = 1  # crashed or timed out before reporting a failing case
        passed += p; failed += f; skipped += s
    else:
        if result in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1

print(f'{passed} passed, {failed} failed, {skipped} skipped')
sys.exit(1 if failed or passed == 0 else 0)
