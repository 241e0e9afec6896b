#!/usr/bin/python3
# test-core-dumps.py: layer-keys keeps secrets out of core files (custody
# issue, point 7): started with a core size limit, the running app has a
# soft core limit of 0. Run in the private session (it opens a window).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import resource
import subprocess
import sys
import time

app = os.environ['LK_APP_BIN']
soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
if hard != resource.RLIM_INFINITY and hard == 0:
    print('1..0 # SKIP the session allows no core files at all')
    sys.exit(0)
# Ask for core files, as a user with ulimit -c unlimited does.
resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

print('1..1')
proc = subprocess.Popen([app, '--demo'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
limit = None
try:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open('/proc/%d/limits' % proc.pid) as f:
                for line in f:
                    if line.startswith('Max core file size'):
                        limit = line.split()[4]
        except OSError:
            pass
        if limit == '0':
            break
        time.sleep(0.1)
finally:
    proc.terminate()
    proc.wait(timeout=10)

if limit == '0':
    print('ok 1 - the running app has a core size limit of 0')
else:
    print('not ok 1 - the running app may dump core (soft core limit: %s)' % limit)
    sys.exit(1)
