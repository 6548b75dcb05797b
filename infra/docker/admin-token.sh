#!/bin/sh
# The app-init service (docker-compose.yml): makes sure $HOPTRACE_ADMIN_TOKEN_FILE holds the admin
# token the app services start with, as the native runner does with .hoptrace/admin-token:
# HOPTRACE_ADMIN_TOKEN when it is set, else the token kept from an earlier start, else a new
# random one (never a fixed default). The file lives on a named volume, so it survives restarts.
set -eu
file=${HOPTRACE_ADMIN_TOKEN_FILE:-/run/hoptrace/admin-token}
umask 077

# Replaces the file in one rename, so a reader never sees half a token.
keep() {
  tmp=$(mktemp "$file.XXXXXX")
  printf '%s\n' "$1" > "$tmp"
  mv -f "$tmp" "$file"
}

if [ -n "${HOPTRACE_ADMIN_TOKEN:-}" ]; then
  keep "$HOPTRACE_ADMIN_TOKEN"
  echo "admin token: from HOPTRACE_ADMIN_TOKEN"
elif [ -s "$file" ]; then
  echo "admin token: kept from an earlier start (HOPTRACE_ADMIN_TOKEN is unset); the gateway prints it"
else
  # 24 random bytes as base64url, 32 characters: the same form as the native runner's.
  keep "$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  echo "admin token: generated (HOPTRACE_ADMIN_TOKEN is unset); the gateway prints it"
fi
