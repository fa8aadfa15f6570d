#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests, on a loopback port in a temporary folder.
#
#   scripts/start-postgres.sh           -> prints two lines: the database URL, the folder
#   scripts/start-postgres.sh --stop D  -> stops the server in folder D and removes it
#
# Installs Debian's postgresql with apt-get when it is missing and we are root. The server
# trusts local connections (it is for tests only), listens on 127.0.0.1 only, and runs as
# the postgres user when started by root (PostgreSQL refuses to run as root).
set -euo pipefail

find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; fi
}

as_owner() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "--stop" ]; then
    dir=${2:?usage: start-postgres.sh --stop FOLDER}
    bin=$(find_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
fi

bin=$(find_bin)
if [ -z "$bin" ]; then
    if [ "$(id -u)" != "0" ]; then
        echo "start-postgres: PostgreSQL is not installed and we are not root to install it" >&2
        exit 3
    fi
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
fi
[ -n "$bin" ] || { echo "start-postgres: no initdb found after installing" >&2; exit 3; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/storyweave-pg.XXXXXX")
chmod 755 "$dir"
mkdir "$dir/data"
if [ "$(id -u)" = "0" ]; then chown postgres "$dir" "$dir/data"; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 3; }
as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 3; }
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres storyweave

echo "postgresql+psycopg://postgres@127.0.0.1:$port/storyweave"
echo "$dir"
