#!/bin/sh
# Creates or upgrades Temporal's two databases on PostgreSQL with the admin-tools image's temporal-sql-tool:
# create the database and its base schema the first time, then apply every versioned schema step the server
# version needs. Safe to run at every `docker compose up`: each step checks what is already there.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12
export PGPASSWORD="$SQL_PASSWORD"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}
psql_at() {
  psql --host "$POSTGRES_SEEDS" --port "$DB_PORT" --username "$POSTGRES_USER" --dbname "$1" -tAc "$2"
}

until psql_at postgres 'select 1' >/dev/null 2>&1; do
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT"
  sleep 2
done

for pair in temporal:temporal visibility:temporal_visibility; do
  schema="${pair%%:*}"
  db="${pair#*:}"
  if [ -z "$(psql_at postgres "select 1 from pg_database where datname = '$db'")" ]; then
    sql_tool --db "$db" create
  fi
  if [ "$(psql_at "$db" "select to_regclass('public.schema_version') is not null")" != t ]; then
    sql_tool --db "$db" setup-schema -v 0.0
  fi
  sql_tool --db "$db" update-schema -d "$SCHEMA/$schema/versioned"
  echo "$db: schema up to date"
done
