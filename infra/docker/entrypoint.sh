#!/bin/sh
# Entrypoint of every app container. HOPTRACE_ADMIN_TOKEN wins when it is set; otherwise the
# token the app-init service keeps in $HOPTRACE_ADMIN_TOKEN_FILE is exported, so every service
# reads its configuration from the environment as it does natively.
set -eu
file=${HOPTRACE_ADMIN_TOKEN_FILE:-/run/hoptrace/admin-token}
if [ -z "${HOPTRACE_ADMIN_TOKEN:-}" ] && [ -s "$file" ]; then
  HOPTRACE_ADMIN_TOKEN=$(cat "$file")
  export HOPTRACE_ADMIN_TOKEN
  # Only the gateway asks for this: the token shows once, where a person starting the stack looks.
  if [ "${HOPTRACE_PRINT_ADMIN_TOKEN:-}" = true ]; then
    echo "admin token: $HOPTRACE_ADMIN_TOKEN  (generated once and kept in the admin-token volume; set HOPTRACE_ADMIN_TOKEN to choose one)"
    echo "  read it again with: docker compose exec gateway cat $file"
  fi
fi
if [ $# -eq 0 ]; then
  echo "usage: a command to run, e.g. node --require ./packages/telemetry/dist/register.js services/gateway/dist/main.js" >&2
  exit 2
fi
# exec: node replaces this shell, so the stop signal reaches it.
exec "$@"
