#!/bin/sh
# Makes sure a Chromium for the browser tests exists and prints its path.
# `npx playwright install` cannot work here (its download host is unreachable), so on Debian,
# as root, Debian's own chromium package is installed with apt-get. Idempotent: when Chromium is
# already there it only prints the path.
set -eu

candidate="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$candidate" ]; then
  echo "$candidate"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
if [ ! -f /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no Chromium at /usr/bin/chromium and this is not Debian with apt-get;" >&2
  echo "  install Chromium and set CHROMIUM_PATH to its executable" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: no Chromium at /usr/bin/chromium; run as root to install it with apt-get," >&2
  echo "  or run: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium package (a few minutes)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium >&2
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-chromium: apt-get finished but /usr/bin/chromium is missing" >&2
  exit 1
fi
echo /usr/bin/chromium
