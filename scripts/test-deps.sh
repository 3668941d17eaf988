#!/usr/bin/env bash
# Installs what the test suite needs from Debian's archive when missing: a PostgreSQL server
# (the store contract runs on it as well as on PGlite), OpenSSH's sshd (real SSH on loopback)
# and Chromium with an emoji font (the console's browser test). Idempotent; needs root or sudo for apt-get.
set -euo pipefail

missing=()
command -v /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# An emoji font, so the console's screenshots show 🚨 as a person's browser would, not a box.
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing test dependencies: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a cluster of its own; the tests start their own on a free port instead.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then $sudo_cmd pg_ctlcluster --help >/dev/null 2>&1 && $sudo_cmd service postgresql stop >/dev/null 2>&1 || true; fi
fi
