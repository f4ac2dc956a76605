#!/usr/bin/env bash
# Build registry-v1.sql: a registry made by Accord before case file v2 (commit 5da1855),
# with facts, corrections, a retraction and decisions on several pathways, dumped as plain
# SQL. See README.md. Usage:
#   tests/data/registry-v1/build.sh /path/to/checkout-of-5da1855 [python]
set -euo pipefail

BASELINE=${1:?give the path of a checkout of commit 5da1855}
PYTHON=${2:-python}
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER=${SERVER:-postgres@127.0.0.1:5432}
DB=accord_registry_v1_build_$$

psql "postgresql://$SERVER/postgres" -q -c "CREATE DATABASE $DB"
trap 'psql "postgresql://$SERVER/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT

export ACCORD_DATABASE_URL="postgresql+psycopg://$SERVER/$DB"
export COLUMNS=200
unset ACCORD_USER
old_accord() {
    env PYTHONPATH="$BASELINE/src" "$PYTHON" -c "from accord.cli.main import run; run()" "$@"
}
# the old code, not this checkout's
old_accord --help >/dev/null
env PYTHONPATH="$BASELINE/src" "$PYTHON" -c "import accord, sys; sys.exit(not accord.__file__.startswith('$BASELINE'))"

old_accord init --admin root
old_accord --as root users add olivia --role officer
old_accord --as root users add lena --role legal_reviewer
old_accord --as root users add mona --role monitor

old_accord --as olivia registry import "$HERE/cases-1.jsonl" --source-document "fixture import 1"
sleep 1
KNOWN_1=$(date -u +%Y-%m-%dT%H:%M:%S.%6N+00:00)  # after import 1, before the corrections
sleep 1

decide() { old_accord --as olivia decide --format json "$@" >/dev/null; }
RETURN_SV=(--agreement sv-2025-offer --pathway return_of_nationals --destination SV --as-of 2025-03-16)
CECOT=(--agreement sv-2025-offer --pathway custody_placement --destination SV --facility CECOT --as-of 2025-03-16)
ACA_GT=(--agreement aca-2019-gt --pathway third_country_removal --destination GT --as-of 2020-01-10)
TRANSFER_SV=(--agreement sv-2025-offer --pathway sentenced_transfer --destination SV --as-of 2025-03-16)

decide --person v1-sv-010 "${RETURN_SV[@]}"
decide --person v1-sv-019 "${RETURN_SV[@]}"
decide --person v1-sv-015 "${RETURN_SV[@]}"
decide --person v1-ve-011 "${CECOT[@]}"
decide --person v1-ve-072 "${CECOT[@]}"
decide --person v1-us-012 "${CECOT[@]}"
decide --person v1-hn-022 "${ACA_GT[@]}"
decide --person v1-ve-016 "${TRANSFER_SV[@]}"

old_accord --as lena registry import "$HERE/cases-2.jsonl" --source-document "fixture corrections"
old_accord --as lena registry retract v1-ve-011 convictions \
    --source-document "court vacatur 12" --note "judgment vacated"

decide --person v1-sv-019 "${RETURN_SV[@]}"
decide --person v1-sv-019 "${RETURN_SV[@]}" --as-known-on "$KNOWN_1"
decide --person v1-ve-011 "${CECOT[@]}"
decide --person v1-ve-011 "${CECOT[@]}" --as-known-on "$KNOWN_1"
decide --person v1-ve-072 "${CECOT[@]}"

old_accord --as mona decisions list
old_accord --as mona audit verify

# Plain SQL that any client can send: INSERTs rather than COPY, no owners or grants,
# without the psql meta-commands (\restrict, \unrestrict) that pg_dump 15.14+ writes and
# without pg_dump's own comment lines.
pg_dump --inserts --no-owner --no-privileges --no-comments "postgresql://$SERVER/$DB" \
    | grep -Ev '^\\(un)?restrict ' \
    | grep -Ev '^--( (Name|Data for Name|TOC entry|PostgreSQL database dump|Dumped from|Dumped by).*)?$' \
    | cat -s >"$HERE/registry-v1.sql"
ls -l "$HERE/registry-v1.sql"
if grep -q '^\\' "$HERE/registry-v1.sql"; then
    echo "registry-v1.sql still holds a psql meta-command" >&2
    exit 1
fi
