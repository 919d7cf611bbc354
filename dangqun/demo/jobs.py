"""Background jobs of the demo, run by the worker: ``demo_tick`` keeps a demo server's demo alive."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from dangqun.demo.live import demo_tick_run

logger = logging.getLogger(__name__)


@task()
def demo_tick() -> dict[str, Any]:
    """New cases trickle in and units move them on (``demo.live``); nothing unless ``DEMO_TICK`` is on."""
    result = demo_tick_run().as_json()
    if result["created"] or result["moved"]:
        logger.info("demo_tick: %s", result)
    return result
