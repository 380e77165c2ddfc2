#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (nothing downloads a browser at
# install time). A fresh machine of this project's kind can install it from Debian's packages.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Chromium is missing at $CHROMIUM: installing Debian's chromium package" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "could not install Chromium at $CHROMIUM (set CHROMIUM_PATH to a Chromium binary)" >&2; exit 1; }
