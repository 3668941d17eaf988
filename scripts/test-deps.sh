#!/usr/bin/env bash
# Installs what the test suite needs from Debian's archive when missing: a PostgreSQL server
# (the store contract runs on it as well as on PGlite), OpenSSH's sshd (real SSH on loopback),
# Chromium with an emoji font (the console's browser test), and debootstrap, rpmbuild and
# createrepo_c for the real test hosts; then builds those hosts once (scripts/build-test-hosts.sh,
# cached under /var/cache/patchbot-test). Idempotent; needs root or sudo.
set -euo pipefail

missing=()
command -v /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# An emoji font, so the console's screenshots show 🚨 as a person's browser would, not a box.
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
# The real Debian and RHEL test hosts (issue #16): debootstrap builds them, rpmbuild and
# createrepo_c/modifyrepo_c make the RHEL host's packages and repository at test time.
[ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
[ -x /usr/bin/rpmbuild ] || missing+=(rpm)
[ -x /usr/bin/createrepo_c ] || missing+=(createrepo-c)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing test dependencies: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a cluster of its own; the tests start their own on a free port instead.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then $sudo_cmd pg_ctlcluster --help >/dev/null 2>&1 && $sudo_cmd service postgresql stop >/dev/null 2>&1 || true; fi
fi

sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
$sudo_cmd bash "$(dirname "$0")/build-test-hosts.sh"
