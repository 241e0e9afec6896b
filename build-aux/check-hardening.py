#!/usr/bin/env python3
# check-hardening.py BINARY...
#
# The programs that hold credentials are built hardened (docs/security.md,
# "Custody"): full RELRO (a GNU_RELRO segment and BIND_NOW), a position-
# independent executable, the stack protector, and, in optimised builds
# without sanitizers, _FORTIFY_SOURCE's checked functions. Reads the ELF
# with readelf and nm from binutils; prints what is missing.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import subprocess
import sys


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main():
    fortify = sys.argv[1] == '--fortify'
    binaries = sys.argv[2:] if fortify or sys.argv[1] == '--no-fortify' else sys.argv[1:]
    failed = False
    for binary in binaries:
        header = run('readelf', '-hW', binary)
        segments = run('readelf', '-lW', binary)
        dynamic = run('readelf', '-dW', binary)
        symbols = run('nm', '-D', binary)
        missing = []
        if 'DYN (' not in header:
            missing.append('PIE')
        if 'GNU_RELRO' not in segments:
            missing.append('RELRO')
        if 'BIND_NOW' not in dynamic and not ('FLAGS_1' in dynamic and ' NOW' in dynamic):
            missing.append('BIND_NOW')
        if '__stack_chk_fail' not in symbols:
            missing.append('stack protector')
        if fortify and '_chk' not in symbols.replace('__stack_chk_fail', ''):
            missing.append('_FORTIFY_SOURCE')
        if missing:
            failed = True
            print('FAIL: %s lacks %s' % (binary, ', '.join(missing)))
        else:
            print('ok: %s' % binary)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
