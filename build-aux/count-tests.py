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
tap_plan = re.compile(r'^1\.\.(\d+)')
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    result = t.get('result')
    out = (t.get('stdout') or '').splitlines()
    plans = [int(m.group(1)) for m in map(tap_plan.match, out) if m]
    # meson 1.0 does not record the protocol: a TAP plan line tells.
    if t.get('protocol') == 'tap' or plans or any(l.startswith('TAP version') for l in out):
        p = f = s = 0
        for o in out:
            m = tap_ok.match(o)
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
        planned = plans[0] if plans else 0
        if planned > p + f + s:
            f += planned - (p + f + s)  # cases that never reported: a crash
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
