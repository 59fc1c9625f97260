#!/bin/sh
# Makes sure a Chromium for the browser tests exists and prints its path.
# `npx playwright install` cannot work here (its download host is unreachable), so where apt-get
# exists, as root, Debian's own chromium package is installed with it. Idempotent: when Chromium is
# already there it only prints the path.
# apt may be busy (another apt-get, unattended-upgrades, the project's Redis install): its locks are
# waited for, up to NEWSCELL_APT_LOCK_WAIT_S seconds (default 600: with the install that stays
# within the 15 minutes the Vitest global setup gives this script), rather than failing.
set -eu

# Where Debian's package puts it; a test points this at a folder of its own.
debian_chromium="${NEWSCELL_DEBIAN_CHROMIUM:-/usr/bin/chromium}"
lock_wait_s="${NEWSCELL_APT_LOCK_WAIT_S:-600}"
lock_retry_s="${NEWSCELL_APT_LOCK_RETRY_S:-5}"
[ "$lock_retry_s" -ge 1 ] || lock_retry_s=1

candidate="${CHROMIUM_PATH:-$debian_chromium}"
if [ -x "$candidate" ]; then
  echo "$candidate"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no Chromium at $debian_chromium and no apt-get to install it;" >&2
  echo "  install Chromium and set CHROMIUM_PATH to its executable" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: no Chromium at $debian_chromium; run as root to install it with apt-get," >&2
  echo "  or run: sudo apt-get install -y chromium" >&2
  exit 1
fi

# apt-get that waits while another process holds apt's or dpkg's lock. DPkg::Lock::Timeout makes
# apt (>= 1.9.11) wait for the dpkg lock itself; `apt-get update`'s lists lock and older apt fail at
# once with "Could not get lock", so those are retried until the same deadline.
apt_get() {
  log=$(mktemp)
  waited=0
  while :; do
    if apt-get -o "DPkg::Lock::Timeout=$lock_wait_s" "$@" 2>"$log"; then
      cat "$log" >&2
      rm -f "$log"
      return 0
    else
      status=$?
    fi
    locked=false
    grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock' "$log" &&
      locked=true
    if $locked && [ "$waited" -lt "$lock_wait_s" ]; then
      if [ "$waited" -eq 0 ]; then
        echo "ensure-chromium: apt is busy ($(grep -m1 -E 'lock' "$log")); waiting up to ${lock_wait_s}s" >&2
      fi
      sleep "$lock_retry_s"
      waited=$((waited + lock_retry_s))
      continue
    fi
    cat "$log" >&2
    rm -f "$log"
    if $locked; then
      echo "ensure-chromium: apt stayed locked for ${waited}s (NEWSCELL_APT_LOCK_WAIT_S=$lock_wait_s); run this again when the other apt-get has finished" >&2
    fi
    return "$status"
  done
}

echo "ensure-chromium: installing Debian's chromium package (a few minutes)" >&2
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq >&2
apt_get install -y -qq chromium >&2
if [ ! -x "$debian_chromium" ]; then
  echo "ensure-chromium: apt-get finished but $debian_chromium is missing" >&2
  exit 1
fi
echo "$debian_chromium"
