"""The demo district's first triage model: trained from the categories' own words and the demo cases
the dispatchers handled, so that a new case arrives with a category suggestion; and its first hotspots
(热点), as the scheduler's ``refresh_hotspots`` job finds them, so the command centre shows some at once."""

from __future__ import annotations

from dangqun.demo.context import SeedContext
from dangqun.triage.hotspots_services import refresh_hotspots
from dangqun.triage.services import train_model


def seed_triage_model(ctx: SeedContext) -> None:
    model = train_model(actor=None, note="演示区初始模型")
    ctx.counts["triage_model_labels"] = len(model.labels)
    ctx.counts["triage_model_labelled_cases"] = model.n_labelled


def seed_hotspots(ctx: SeedContext) -> None:
    ctx.counts["hotspots"] = len(refresh_hotspots(actor=None))
