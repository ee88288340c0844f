#!/usr/bin/env bash
# Scheduler entry point (cron, Airflow's BashOperator, …): one nightly run, logged to a dated file.
#   crontab:  30 2 * * *  /opt/retention/jobs/nightly.sh >> /var/log/retention/cron.log 2>&1
# Environment: RETENTION_WAREHOUSE, RETENTION_INPUT (landing folder), RETENTION_LOG_DIR, RETENTION_MASTER
# (optional: submit to a cluster), RETENTION_JAVA_OPTS. Exit code = the nightly's (non-zero names the stage).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_DIR="${RETENTION_LOG_DIR:-$ROOT/logs}"
mkdir -p "$LOG_DIR"
args=(nightly)
[[ -n "${RETENTION_INPUT:-}" ]] && args+=(--input "$RETENTION_INPUT")
[[ -n "${RETENTION_MASTER:-}" ]] && args+=(--master "$RETENTION_MASTER")
[[ "$(date +%u)" == "7" ]] && args+=(--housekeeping)   # compaction + vacuum on Sundays
cd "$ROOT"
"$ROOT/jobs/retention" "${args[@]}" "$@" 2> >(tee -a "$LOG_DIR/nightly-$(date +%F).log" >&2)
