#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1, for the team server's tests and
# scripts/team-server.sh. PostgreSQL refuses to run as root: as root, the cluster belongs
# to the `postgres` user and runs as it.
#
#   scripts/pg-cluster.sh start DIR [PORT] [WATCH_PID]
#       creates the cluster in DIR/data if it is not there, starts it on PORT (a free one
#       if 0 or none), prints the port. With WATCH_PID, a watchdog stops the cluster and
#       removes DIR once that process has ended (tests that end abnormally leave nothing).
#   scripts/pg-cluster.sh stop DIR [fast|immediate]
#   scripts/pg-cluster.sh bin          prints the directory of initdb and pg_ctl
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg-cluster.sh: PostgreSQL's server is not installed (scripts/setup.sh --postgres installs it)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cmd=${1:-}; dir=${2:-}
case $cmd in
  bin) echo "$bin" ;;
  start)
    [ -n "$dir" ] || { echo "usage: pg-cluster.sh start DIR [PORT] [WATCH_PID]" >&2; exit 2; }
    port=${3:-0}; watch=${4:-}
    if [ "$port" = 0 ]; then
      port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
      echo "pg-cluster.sh: the postgres user cannot reach $(dirname "$dir"); choose a folder it can (for example under /tmp)" >&2
      exit 1
    fi
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    if [ -n "$watch" ]; then
      setsid bash -c "while kill -0 $watch 2>/dev/null; do sleep 1; done
        if [ \$(id -u) = 0 ]; then runuser -u postgres -- '$bin/pg_ctl' -D '$dir/data' -m immediate stop; else '$bin/pg_ctl' -D '$dir/data' -m immediate stop; fi
        rm -rf '$dir'" </dev/null >/dev/null 2>&1 &
    fi
    echo "$port"
    ;;
  stop)
    [ -n "$dir" ] || { echo "usage: pg-cluster.sh stop DIR [fast|immediate]" >&2; exit 2; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -m "${3:-fast}" -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: pg-cluster.sh start|stop|bin ..." >&2; exit 2 ;;
esac
