#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on a loopback port, exported to it as
# ROSTER_TEST_POSTGRES_URL, and removes the cluster afterwards. Needs Debian's postgresql package
# (`apt-get install -y postgresql`); as root, the cluster runs as the postgres user.
#   scripts/with-postgres.sh swift test
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "with-postgres: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/roster-postgres.XXXXXX)
port=${ROSTER_TEST_POSTGRES_PORT:-55432}
as_postgres=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_postgres=(runuser -u postgres --)
fi

stop() {
  # Refused connections would otherwise leave only a pool's "circuit breaker tripped" in the tests' output.
  refused=$(grep -c "too many clients" "$dir/server.log" 2>/dev/null || true)
  [ "${refused:-0}" -gt 0 ] && echo "with-postgres: $refused connections were refused (max_connections)" >&2
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=1000" start >/dev/null
"${as_postgres[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres roster_test

export ROSTER_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/roster_test"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $ROSTER_TEST_POSTGRES_URL"
"$@"
