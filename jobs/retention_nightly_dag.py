"""Example Airflow DAG: the retention nightly at 02:30 every day, one task, retried once.

Copy to your DAGs folder and set RETENTION_HOME to the checkout (or unpacked release) on the worker.
The job is idempotent for a date and takes a warehouse lock, so a retry or an overlapping manual run is safe:
a second run exits at once with "warehouse ... is busy".
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

RETENTION_HOME = "/opt/retention"

with DAG(
    dag_id="retention_nightly",
    schedule="30 2 * * *",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=15)},
    tags=["retention"],
) as dag:
    BashOperator(
        task_id="nightly",
        bash_command=f"{RETENTION_HOME}/jobs/nightly.sh --date {{{{ macros.ds_add(ds, 0) }}}}",
        env={"RETENTION_WAREHOUSE": "/data/retention/warehouse", "RETENTION_INPUT": "/data/landing/purchases"},
        append_env=True,
    )
