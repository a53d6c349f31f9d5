#!/bin/sh
# Entry point of the IDP Orchestrator image: one image, and the first argument picks the process. `exec` makes
# Node the process that receives SIGTERM, so the API and the worker stop gracefully.
set -eu
cd /app
command="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$command" in
  api) exec node dist/apps/api/src/main.js "$@" ;;
  worker) exec node dist/apps/worker/src/main.js "$@" ;;
  migrate) exec node dist/libs/persistence/src/cli/migrate.js "$@" ;;
  admin) exec node dist/apps/api/src/cli/admin.js "$@" ;;
  *) exec "$command" "$@" ;;
esac
