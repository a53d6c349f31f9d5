#!/usr/bin/env bash
# Provides the pinned schemathesis (API fuzzer, from PyPI) and prints the absolute path of its CLI as the only line
# on stdout. Everything else goes to stderr, so callers can do
#   ST=$(bash infra/schemathesis.sh)
#
# Resolution order:
#   1. $SCHEMATHESIS, if set (must run; a version other than the pin only warns)
#   2. <repo>/.tools/schemathesis/bin/schemathesis reporting the pinned version
#   3. install: `pip install schemathesis==<pin>` into the venv <repo>/.tools/schemathesis (about 20 s)
set -euo pipefail

readonly PINNED_VERSION='4.32.5'

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
TOOLS_DIR="${REPO_ROOT}/.tools"
VENV_DIR="${TOOLS_DIR}/schemathesis"

log() { printf '[schemathesis] %s\n' "$*" >&2; }

# Prints the bare version ("4.32.5") of the CLI at $1, or nothing when it does not run.
cli_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 0
  # Format: "schemathesis, version 4.32.5"
  sed -n 's/^schemathesis, version \([^ ]*\).*/\1/p' <<<"$out" | head -n 1
}

emit() {
  printf '%s\n' "$1"
  exit 0
}

if [[ -n "${SCHEMATHESIS:-}" ]]; then
  version="$(cli_version "$SCHEMATHESIS")"
  if [[ -z "$version" ]]; then
    log "SCHEMATHESIS=${SCHEMATHESIS} does not run (\`${SCHEMATHESIS} --version\` failed)"
    exit 1
  fi
  [[ "$version" == "$PINNED_VERSION" ]] ||
    log "warning: SCHEMATHESIS reports version ${version}, the project pins ${PINNED_VERSION}"
  emit "$(command -v "$SCHEMATHESIS")"
fi

find_cached() {
  if [[ -x "${VENV_DIR}/bin/schemathesis" && "$(cli_version "${VENV_DIR}/bin/schemathesis")" == "$PINNED_VERSION" ]]; then
    emit "${VENV_DIR}/bin/schemathesis"
  fi
}

find_cached

mkdir -p "$TOOLS_DIR"
# Serialises installs (parallel test runs, a second terminal); the loser re-checks the cache once the winner is done.
# A lock of its own: the Temporal CLI's (.tools/.lock) is held while the Jest global setup installs that one.
exec 9>"${TOOLS_DIR}/.schemathesis.lock"
if ! flock -n 9; then
  log 'another process is installing schemathesis; waiting for it'
  flock 9
fi
find_cached

command -v python3 >/dev/null 2>&1 || {
  log 'python3 not found: schemathesis is installed from PyPI into a Python venv'
  exit 1
}
start_s=$SECONDS
log "installing schemathesis==${PINNED_VERSION} from PyPI into ${VENV_DIR}"
if [[ ! -x "${VENV_DIR}/bin/pip" ]]; then
  rm -rf "$VENV_DIR"
  python3 -m venv "$VENV_DIR" >&2
fi
"${VENV_DIR}/bin/pip" install --disable-pip-version-check --quiet "schemathesis==${PINNED_VERSION}" >&2
version="$(cli_version "${VENV_DIR}/bin/schemathesis")"
if [[ "$version" != "$PINNED_VERSION" ]]; then
  log "installed, but ${VENV_DIR}/bin/schemathesis reports version '${version}', not ${PINNED_VERSION}"
  exit 1
fi
log "installed in $((SECONDS - start_s)) s"
emit "${VENV_DIR}/bin/schemathesis"
