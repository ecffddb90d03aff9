#!/bin/sh
# Install the Debian packages Samsyn needs, when they are missing.
#   system-deps.sh python  – what `make run` needs (Python's venv module)
#   system-deps.sh test    – plus Chromium for the browser tests and the PostgreSQL server
#                            that tests/store starts (initdb/pg_ctl, run as a throwaway instance), and
#                            Node.js with npm for the OpenID Connect provider of the sign-in test (tests/idp),
#                            and nginx for the shared-server tests (tests/shared)
#   system-deps.sh shared  – what `make serve-shared` needs: nginx (the PostgreSQL server itself may run
#                            on another machine; its client library comes with psycopg)
set -eu
want="$1"
missing=""
need() { dpkg -s "$1" >/dev/null 2>&1 || missing="$missing $1"; }

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    need python3-venv
fi
if [ "$want" = test ]; then
    [ -x /usr/bin/chromium ] || need chromium
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need postgresql
    command -v node >/dev/null 2>&1 || need nodejs
    command -v npm >/dev/null 2>&1 || need npm
fi
if [ "$want" = test ] || [ "$want" = shared ]; then
    [ -x /usr/sbin/nginx ] || need nginx
fi
[ -z "$missing" ] && exit 0

echo "Installerar systempaket:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
