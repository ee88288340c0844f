"""Example Airflow DAG: the retention nightly once a day, one task, retried once.

Copy this file to your DAGs folder. Everything it needs comes from the environment, so the same file works on
every installation:

* RETENTION_HOME (required, on the worker): the retention checkout or unpacked release; the task runs
  $RETENTION_HOME/jobs/nightly.sh and fails at once with a clear message when it is not set.
* RETENTION_SCHEDULE (optional, read when the DAG is parsed): a cron expression, default "30 2 * * *" (02:30).
* RETENTION_WAREHOUSE, RETENTION_INPUT, RETENTION_LOG_DIR, RETENTION_MASTER, RETENTION_JAVA_OPTS,
  RETENTION_SUBMIT_OPTS (optional): the job's own settings (see jobs/nightly.sh and docs/cluster.md). Values set where
  the DAG is parsed are passed to the task; otherwise the worker's environment applies (append_env).

The as-of date: a run scheduled at 02:30 on day D+1 computes the night of day D, the last complete day, passed as
`--date D`. D is the day before the end of the run's data interval ("{{ data_interval_end }}" minus one day), which
is the same in Airflow 2 (cron data intervals: the interval D 02:30 - D+1 02:30 ends when the run starts) and
Airflow 3 (cron trigger: an empty interval at the run's time), and it stays right for a manual re-run or a backfill
of an old date. The day is taken in the DAG's time zone (UTC unless start_date carries one): schedule the DAG after
midnight of the business time zone (retention.timezone).

The job is idempotent for a date and takes a warehouse lock, so a retry or an overlapping manual run is safe:
a second run exits at once with "warehouse ... is busy".
"""
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

SETTINGS = ("RETENTION_WAREHOUSE", "RETENTION_INPUT", "RETENTION_LOG_DIR", "RETENTION_MASTER",
            "RETENTION_JAVA_OPTS", "RETENTION_SUBMIT_OPTS")
AS_OF = "{{ (data_interval_end - macros.timedelta(days=1)).strftime('%Y-%m-%d') }}"

with DAG(
    dag_id="retention_nightly",
    schedule=os.environ.get("RETENTION_SCHEDULE", "30 2 * * *"),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=15)},
    tags=["retention"],
) as dag:
    BashOperator(
        task_id="nightly",
        # $RETENTION_HOME is expanded by bash on the worker; the trailing space keeps Airflow from reading a
        # command that ends in ".sh" as a template file name
        bash_command='"${RETENTION_HOME:?set RETENTION_HOME to the retention home on the worker}/jobs/nightly.sh"'
                     " --date " + AS_OF + " ",
        env={k: os.environ[k] for k in SETTINGS if os.environ.get(k)},
        append_env=True,
    )
