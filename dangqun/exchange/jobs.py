"""Background jobs of the exchange app, run by the worker (``manage.py db_worker``)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from dangqun.exchange.models import ImportJob
from dangqun.exchange.services import import_run


@task()
def run_import(job_id: int) -> dict[str, int]:
    job = import_run(job_id)
    return {"created": job.created_count, "skipped": job.skipped_count, "errors": job.error_count}


INLINE_BYTES = 256 * 1024  # small files run in the request: the answer comes with the upload


def schedule(job: ImportJob) -> None:
    """Run a small file's job now, a large one's in the worker once the job row is committed."""
    if default_storage.size(job.file) <= INLINE_BYTES:
        import_run(job.pk)
        return
    job_id = job.pk
    transaction.on_commit(lambda: run_import.enqueue(job_id))
