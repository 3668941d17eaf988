#!/usr/bin/env bash
# Builds the real test hosts once and caches them under $PATCHBOT_TEST_CACHE (default
# /var/cache/patchbot-test); a cached system whose recipe line matches is reused as it is.
#
#   debian-bookworm/  Debian 12 from debootstrap --variant=minbase, from the point release only,
#                     with bookworm-updates and bookworm-security then added to its sources and
#                     their lists fetched: its pending updates are real Debian security updates.
#   rhel-dnf/         the same base plus Debian's dnf 4, rpm and dnf-plugins-core, with an empty
#                     rpm database: test/support/real-hosts/rhel-host.ts turns a copy of it into a
#                     "Rocky Linux 9" host with its own rpms, repository and advisories.
#
# The mirror is the one apt uses on this machine (/etc/apt/sources.list or sources.list.d), so
# nothing else on the network is needed. Needs root (debootstrap, chroot). Prints how long each
# build took; tests copy these trees and never change them.
set -euo pipefail

cache="${PATCHBOT_TEST_CACHE:-/var/cache/patchbot-test}"
# Bump when the recipe below changes: a cache built by another recipe is rebuilt.
RECIPE_DEBIAN='debian-bookworm minbase point-release + updates + security, lists fetched, v1'
RECIPE_RHEL='rhel-dnf from debian-bookworm v1 + dnf rpm dnf-plugins-core, v1'

[ "$(id -u)" -eq 0 ] || { echo "build-test-hosts.sh needs root (debootstrap and chroot)" >&2; exit 1; }

# The URI apt uses for a suite, from one-line sources.list entries or deb822 .sources stanzas.
mirror_for() {
  local suite="$1" files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
  [ ${#files[@]} -gt 0 ] || return 0
  awk -v suite="$suite" '
    /^[[:space:]]*deb[[:space:]]/ {
      sub(/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?/, "")
      if ($2 == suite) { print $1; exit }
      next
    }
    /^[[:space:]]*$/ { if (types && uri && hit) { print uri; exit } types = 0; uri = ""; hit = 0; next }
    /^Types:/ { types = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
    END { if (types && uri && hit) print uri }
  ' "${files[@]}" | head -n 1
}

built() { [ -f "$1/.patchbot-recipe" ] && [ "$(cat "$1/.patchbot-recipe")" = "$2" ]; }

build_debian() {
  local target="$cache/debian-bookworm" main security work started
  if built "$target" "$RECIPE_DEBIAN"; then echo "debian-bookworm: cached at $target"; return; fi
  main="$(mirror_for bookworm)"
  security="$(mirror_for bookworm-security)"
  [ -n "$main" ] || { echo "no apt source for bookworm in /etc/apt/sources.list(.d): cannot tell which mirror to debootstrap from" >&2; exit 1; }
  [ -n "$security" ] || { echo "no apt source for bookworm-security in /etc/apt/sources.list(.d)" >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  started=$(date +%s)
  work="$cache/.debian-bookworm.build"
  rm -rf "$work"
  mkdir -p "$work"
  echo "debian-bookworm: debootstrap --variant=minbase bookworm from $main (point release only)"
  debootstrap --variant=minbase bookworm "$work" "$main" > "$cache/debian-bookworm.build.log" 2>&1 ||
    { echo "debootstrap failed; the end of $cache/debian-bookworm.build.log:" >&2; tail -n 20 "$cache/debian-bookworm.build.log" >&2; exit 1; }
  # Only now the update suites: everything installed so far is the point release's version.
  cat > "$work/etc/apt/sources.list" <<EOF
deb $main bookworm main
deb $main bookworm-updates main
deb $security bookworm-security main
EOF
  cp /etc/resolv.conf "$work/etc/resolv.conf"
  chroot "$work" apt-get update -qq >> "$cache/debian-bookworm.build.log" 2>&1
  chroot "$work" apt-get clean
  echo "$RECIPE_DEBIAN" > "$work/.patchbot-recipe"
  rm -rf "$target"
  mv "$work" "$target"
  echo "debian-bookworm: built in $(( $(date +%s) - started ))s, $(du -sm "$target" | cut -f1) MiB"
}

build_rhel() {
  local target="$cache/rhel-dnf" work started
  if built "$target" "$RECIPE_RHEL"; then echo "rhel-dnf: cached at $target"; return; fi
  started=$(date +%s)
  work="$cache/.rhel-dnf.build"
  rm -rf "$work"
  cp -a "$cache/debian-bookworm" "$work"
  echo "rhel-dnf: installing dnf, rpm and dnf-plugins-core into a copy of debian-bookworm"
  chroot "$work" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnf rpm dnf-plugins-core > "$cache/rhel-dnf.build.log" 2>&1 ||
    { echo "installing dnf failed; the end of $cache/rhel-dnf.build.log:" >&2; tail -n 20 "$cache/rhel-dnf.build.log" >&2; exit 1; }
  chroot "$work" apt-get clean
  rm -rf "$work/var/lib/apt/lists/"*_Packages* "$work/var/lib/apt/lists/"*Release
  echo "$RECIPE_RHEL" > "$work/.patchbot-recipe"
  rm -rf "$target"
  mv "$work" "$target"
  echo "rhel-dnf: built in $(( $(date +%s) - started ))s, $(du -sm "$target" | cut -f1) MiB"
}

mkdir -p "$cache"
chmod 755 "$cache"
build_debian
build_rhel
