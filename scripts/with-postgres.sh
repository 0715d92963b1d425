#!/usr/bin/env bash
# `bash scripts/with-postgres.sh <command...>`: runs the command beside a throwaway PostgreSQL
# server and stops the server afterwards, whatever the command's outcome.
#
# Installs Debian's `postgresql` when initdb/pg_ctl are missing, initdb's a cluster into a
# temporary folder (no system service, nothing outside that folder), starts it with pg_ctl on
# a free loopback port, and hands the command PARLEY_TEST_DATABASE_URL (a superuser URL of the
# `postgres` database; the test helpers create one database per node from it) and
# PARLEY_PG_BIN (the folder holding initdb/pg_ctl, for tests that run a server of their own).
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  echo "usage: bash scripts/with-postgres.sh <command> [args...]" >&2
  exit 2
fi

find_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! PG_BIN="$(find_pg_bin)"; then
  echo "with-postgres: initdb/pg_ctl not found; installing Debian's postgresql (apt-get)" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "with-postgres: installing needs root; run: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  # The package starts a system cluster on 5432; this script never uses it.
  PG_BIN="$(find_pg_bin)" || {
    echo "with-postgres: postgresql installed but initdb/pg_ctl still not found" >&2
    exit 1
  }
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/parley-pg.XXXXXX")"
as_owner() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id "$owner" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  fi
  chown "$owner" "$workdir"
  as_owner() { runuser -u "$owner" -- "$@"; }
fi

started=0
cleanup() {
  local status=$?
  if [ "$started" -eq 1 ]; then
    # Immediate: no shutdown checkpoint (it took 20 s on a busy disk), since the cluster is
    # deleted right after; the server's processes are gone when pg_ctl returns.
    as_owner "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback port: bind port 0, read it, release it (pg_ctl binds it a moment later).
port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

# -N: no fsync during initdb only (a throwaway cluster); the server itself runs with
# PostgreSQL's defaults (fsync=on, synchronous_commit=on), so a commit is on disk when it returns.
as_owner "$PG_BIN/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --no-locale -N >"$workdir/initdb.log" 2>&1 || {
  cat "$workdir/initdb.log" >&2
  exit 1
}
if ! as_owner "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c max_connections=300" start >/dev/null; then
  cat "$workdir/server.log" >&2
  exit 1
fi
started=1

export PARLEY_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PARLEY_PG_BIN="$PG_BIN"
echo "with-postgres: PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (data in $workdir)" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
