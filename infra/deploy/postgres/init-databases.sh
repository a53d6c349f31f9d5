#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d): one role
# and database for IDP Orchestrator, and one role for Temporal, which creates its own two databases
# (temporal, temporal_visibility) in the temporal-schema service. Passwords come from the environment (.env) and
# reach SQL as psql variables, never spliced into the statements.
set -eu
psql --username "$POSTGRES_USER" --dbname postgres -v ON_ERROR_STOP=1 \
  -v idp_password="$IDP_DB_PASSWORD" -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE idp LOGIN PASSWORD :'idp_password';
CREATE DATABASE idp OWNER idp;
REVOKE ALL ON DATABASE idp FROM PUBLIC;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
SQL
