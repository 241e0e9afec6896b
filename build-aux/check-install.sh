#!/bin/sh
# check-install.sh BUILDDIR PREFIX EXPECTED LINGUAS PACKAGE
#
# Installs the built tree into a temporary DESTDIR and compares the files
# found under PREFIX with the list in EXPECTED (one path a line, relative to
# the prefix, '#' comments allowed) plus one .mo file for each language of
# LINGUAS. Fails on any missing or unexpected file. With DESTDIR set, the
# gnome.post_install() cache updates skip themselves.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

if [ $# -ne 5 ]; then
  echo "usage: $0 BUILDDIR PREFIX EXPECTED LINGUAS PACKAGE" >&2
  exit 2
fi
builddir=$1
prefix=${2%/}
expected=$3
linguas=$4
package=$5
meson=${MESON:-meson}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layer-keys-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$meson" install -C "$builddir" --destdir "$tmp/root" --no-rebuild \
     >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log" >&2
  echo "FAIL: meson install into a DESTDIR failed (is the whole project built?)" >&2
  exit 1
fi

# What we expect, relative to the prefix.
{
  sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$expected"
  if [ -f "$linguas" ]; then
    sed -e 's/#.*//' "$linguas" | tr -s ' \t' '\n\n' | sed '/^$/d' |
      while read -r lang; do
        echo "share/locale/$lang/LC_MESSAGES/$package.mo"
      done
  fi
} | LC_ALL=C sort -u >"$tmp/expected"

# What was installed: relative to the prefix, or absolute when outside it.
rel_prefix=${prefix#/}
(cd "$tmp/root" && find . \( -type f -o -type l \) | sed 's|^\./||') |
  while read -r path; do
    case "$path" in
      "$rel_prefix"/*) echo "${path#"$rel_prefix"/}" ;;
      *) echo "/$path (outside the prefix $prefix)" ;;
    esac
  done | LC_ALL=C sort -u >"$tmp/installed"

missing=$(LC_ALL=C comm -23 "$tmp/expected" "$tmp/installed")
unexpected=$(LC_ALL=C comm -13 "$tmp/expected" "$tmp/installed")

status=0
if [ -n "$missing" ]; then
  echo "FAIL: expected but not installed:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  status=1
fi
if [ -n "$unexpected" ]; then
  echo "FAIL: installed but not in $expected:" >&2
  echo "$unexpected" | sed 's/^/  /' >&2
  status=1
fi
if [ $status -eq 0 ]; then
  echo "OK: $(wc -l <"$tmp/installed") files installed, as expected:"
  sed 's/^/  /' "$tmp/installed"
fi
exit $status
