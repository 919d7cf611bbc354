"""gunicorn settings for production (``make serve-prod``, docs/deployment.md).

Why gunicorn with gthread workers: the app is synchronous Django, and its requests wait mostly on
PostgreSQL and Redis, not on the CPU. A few processes (one or two per core) each with a handful of
threads overlap those waits at a fraction of the memory of as many processes (the triage classifier
and the geo index are loaded once per process), and a slow client or a long export holds a thread,
not a whole process. gunicorn is the well-kept WSGI server Django documents, restarts a worker that
dies or hangs (``timeout``), and recycles workers (``max_requests``) against slow leaks. An ASGI
server would buy nothing: the app has no async views.

Why a file and not flags: the hooks below (the metrics' shared directory, a dead worker's metric
files) are code, and the operator's values stay in the environment:

    GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS (2 × cores, at most 8), GUNICORN_THREADS (4),
    GUNICORN_TIMEOUT (60), PROMETHEUS_MULTIPROC_DIR (var/prometheus, emptied at start)

Run: ``gunicorn -c config/gunicorn_conf.py config.wsgi:application``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

_var = Path(os.environ.get("DANGQUN_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(8, 2 * (os.cpu_count() or 1)))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a worker silent this long is restarted
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))  # in-flight requests finish
keepalive = 5  # behind the proxy's pooled connections
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10  # not every worker recycles at once
preload_app = True  # import once in the master, fork: faster restarts, shared pages
# The app writes JSON lines with request ids (dangqun.core.logs); gunicorn's own access log would
# duplicate them without the id. Errors (worker deaths, timeouts) still go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy on this node (HAProxy/nginx) sets X-Forwarded-*; trust it only from loopback.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "dangqun"

# Prometheus' multiprocess mode: every worker writes its counters to files here and /metrics sums
# them. Set before the app (and prometheus_client) is imported, emptied so that a restart does not
# add the last run's counts.
_metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR", str(_var / "prometheus")))
shutil.rmtree(_metrics_dir, ignore_errors=True)
_metrics_dir.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exited (recycled, killed) stops counting in the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
