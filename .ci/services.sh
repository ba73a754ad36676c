#!/usr/bin/env bash
# Starts PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) when they are not running,
# and waits until both accept connections. Safe to run when they are already up.
set -uo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
maria_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -uroot ping >/dev/null 2>&1; }

if ! pg_up; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
fi
if ! maria_up; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
for _ in $(seq 1 60); do
  if pg_up && maria_up; then
    echo "PostgreSQL and MariaDB are up"
    exit 0
  fi
  sleep 1
done
pg_up || echo "PostgreSQL is NOT reachable on 127.0.0.1:5432" >&2
maria_up || echo "MariaDB is NOT reachable on 127.0.0.1:3306" >&2
exit 1
