#!/usr/bin/env bash
# Command 3: the team server with its own PostgreSQL.
#   - installs PostgreSQL (Debian's package) if it is missing;
#   - keeps a cluster in a data folder of its own (AA_DATA_DIR; as root
#     /var/lib/article-annotator-team, else ~/.local/share/article-annotator-team), run as
#     the `postgres` user when this runs as root, on 127.0.0.1:${AA_PG_PORT:-54329};
#   - builds the server (optimised), applies the migrations, serves on
#     127.0.0.1:${PORT:-8090}, and prints the URL and a development token.
# AA_DATABASE_URL points it at an existing PostgreSQL instead (no cluster is started).
# AA_JWT_SECRET (else one generated once and kept in the data folder), AA_LISTEN,
# AA_ALLOWED_ORIGINS (default: the demo's origins), AA_PUBLIC_READ, AA_REQUIRE_IF_MATCH
# configure the server (README, "Team server").
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[team]\033[0m %s\n' "$*"; }

scripts/setup.sh --server-only

if [ "$(id -u)" = 0 ]; then data=${AA_DATA_DIR:-/var/lib/article-annotator-team}; else data=${AA_DATA_DIR:-$HOME/.local/share/article-annotator-team}; fi
mkdir -p "$data"
chmod 755 "$data"

started=""
if [ -z "${AA_DATABASE_URL:-}" ]; then
  pgport=${AA_PG_PORT:-54329}
  bin=$(scripts/pg-cluster.sh bin)
  if "$bin/pg_ctl" status -D "$data/pg/data" >/dev/null 2>&1; then
    say "PostgreSQL already running in $data/pg"
  else
    say "starting PostgreSQL in $data/pg on 127.0.0.1:$pgport"
    scripts/pg-cluster.sh start "$data/pg" "$pgport" >/dev/null
    started=1
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'annotations'" | grep -q 1; then
    "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE annotations"
  fi
  export AA_DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/annotations"
fi
stop_pg() { if [ -n "$started" ]; then say "stopping PostgreSQL"; scripts/pg-cluster.sh stop "$data/pg"; fi; }
trap stop_pg EXIT

if [ -z "${AA_JWT_SECRET:-}" ]; then
  [ -s "$data/jwt-secret" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n=/+' > "$data/jwt-secret")
  AA_JWT_SECRET=$(cat "$data/jwt-secret")
  export AA_JWT_SECRET
fi
export AA_LISTEN=${AA_LISTEN:-127.0.0.1:${PORT:-8090}}
export AA_ALLOWED_ORIGINS=${AA_ALLOWED_ORIGINS:-http://127.0.0.1:8080,http://localhost:8080}

say "building the server (cargo build --profile server)"
cargo build --locked --quiet --profile server -p article-annotator-server
server=target/server/article-annotator-server
"$server" migrate --database-url "$AA_DATABASE_URL" >/dev/null

token=$("$server" token --sub dev --name "Developer" --role editor --docs '*' --ttl 604800)
alice=$("$server" token --sub alice --name "Alice" --role annotator --docs '*' --ttl 604800)
bob=$("$server" token --sub bob --name "Bob" --role annotator --docs '*' --ttl 604800)
say "team server: http://$AA_LISTEN/ (containers at http://$AA_LISTEN/annotations/<document id>/)"
say "development token (editor of every document, 7 days):"
echo "$token"
say "the CMS demo as a team (start it with scripts/serve.sh; one window each):"
echo "  Alice: http://127.0.0.1:8080/cms-demo.html?server=http://$AA_LISTEN#token=$alice"
echo "  Bob:   http://127.0.0.1:8080/cms-demo.html?server=http://$AA_LISTEN#token=$bob"
say "more tokens: $server token --sub carol --name Carol --role viewer --docs story-123 (with AA_JWT_SECRET from $data/jwt-secret)"
"$server" serve
