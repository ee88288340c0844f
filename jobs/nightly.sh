#!/usr/bin/env bash
# Scheduler entry point (cron, Airflow's BashOperator, …): one nightly run, logged to a dated file.
#   crontab:  30 2 * * *  /opt/retention/jobs/nightly.sh >> /var/log/retention/cron.log 2>&1
# Environment: RETENTION_WAREHOUSE, RETENTION_INPUT (landing folder), RETENTION_LOG_DIR, RETENTION_MASTER
# (optional: submit to a cluster), RETENTION_JAVA_OPTS. Exit code = the nightly's (non-zero names the stage).
#
# Log rotation: the night's console output goes to $RETENTION_LOG_DIR/nightly-<YYYY-MM-DD>.log (default
# <home>/logs) beside the launcher's retention-<YYYY-MM-DD>.log (warnings and stack traces); files older than
# RETENTION_LOG_KEEP_DAYS (default 30) are deleted here and by jobs/retention. The cron redirect above is the
# only file that grows; rotate it, e.g. /etc/logrotate.d/retention:
#   /var/log/retention/cron.log {
#     weekly
#     rotate 8
#     compress
#     missingok
#     notifempty
#     copytruncate
#   }
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_DIR="${RETENTION_LOG_DIR:-$ROOT/logs}"
mkdir -p "$LOG_DIR"
find "$LOG_DIR" -maxdepth 1 -name 'nightly-*.log' -mtime +"${RETENTION_LOG_KEEP_DAYS:-30}" -delete 2>/dev/null || true
export RETENTION_LOG_DIR="$LOG_DIR"   # the launcher's own log file goes beside the night's log
args=(nightly)
[[ -n "${RETENTION_INPUT:-}" ]] && args+=(--input "$RETENTION_INPUT")
[[ -n "${RETENTION_MASTER:-}" ]] && args+=(--master "$RETENTION_MASTER")
[[ "$(date +%u)" == "7" ]] && args+=(--housekeeping)   # compaction + vacuum on Sundays
cd "$ROOT"
"$ROOT/jobs/retention" "${args[@]}" "$@" 2> >(tee -a "$LOG_DIR/nightly-$(date +%F).log" >&2)
