#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (Playwright's own browser download
# cannot work here). Idempotent and quiet when it is already installed; apt-get output goes to stderr only on failure.
set -euo pipefail

readonly CHROMIUM=/usr/bin/chromium
log() { printf '[chromium] %s\n' "$*" >&2; }

if [[ -x "$CHROMIUM" ]]; then exit 0; fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    log "$CHROMIUM is missing and this user cannot install packages: install Debian's chromium (apt-get install chromium) and run the tests again"
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "$CHROMIUM is missing and there is no apt-get: install Chromium so that $CHROMIUM runs, then run the tests again"
  exit 1
fi

log "installing Debian chromium with apt-get (once; about a minute)"
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
# Serialised with a lock: several checkouts may run their tests at the same time.
if ! flock /tmp/idp-chromium-apt.lock bash -c "
  [[ -x $CHROMIUM ]] && exit 0
  ${SUDO[*]} apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${SUDO[*]} apt-get install -y -qq --no-install-recommends chromium
" >"$output" 2>&1; then
  cat "$output" >&2
  log "apt-get could not install chromium (output above): install it by hand (apt-get install chromium) and run the tests again"
  exit 1
fi
if [[ ! -x "$CHROMIUM" ]]; then
  log "apt-get finished but $CHROMIUM is still missing"
  exit 1
fi
log "installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
