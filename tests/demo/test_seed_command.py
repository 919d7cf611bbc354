"""The ``seed_demo`` command: idempotent with the same arguments, refuses others without
``--reset``, deterministic per seed, quiet at verbosity 0."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dangqun.core.audit import record_event
from dangqun.core.models import AuditEvent
from dangqun.demo.events import DemoEvent
from dangqun.demo.seed import active_demo, demo_seed
from dangqun.regions.models import GeoIndexVersion
from tests.conftest import DEMO_CASE_SCALE, DEMO_SCALE, DEMO_SEED
from tests.demo.conftest import demo_fingerprint, row_counts


def test_the_demo_leaves_a_marker_with_its_arguments_and_counts(demo: None) -> None:
    marker = active_demo()

    assert marker is not None
    assert marker["options"] == {"scale": DEMO_SCALE, "seed": DEMO_SEED, "case_scale": DEMO_CASE_SCALE}
    assert marker["counts"]["resident"] > 0
    assert GeoIndexVersion.objects.get().version >= 1


def test_running_again_with_the_same_arguments_changes_nothing(demo: None) -> None:
    before, events_before = row_counts(), AuditEvent.objects.count()
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "seed_demo", scale=DEMO_SCALE, seed=DEMO_SEED, case_scale=DEMO_CASE_SCALE, stdout=out, stderr=err
    )

    assert row_counts() == before
    assert AuditEvent.objects.count() == events_before
    assert "未做任何改动" in out.getvalue()


def test_verbosity_zero_prints_nothing(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()

    call_command(
        "seed_demo", scale=DEMO_SCALE, seed=DEMO_SEED, case_scale=DEMO_CASE_SCALE, verbosity=0, stdout=out
    )

    assert out.getvalue() == ""
    assert capsys.readouterr().err == ""


def test_other_arguments_are_refused_without_reset(demo: None) -> None:
    before = row_counts()

    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", scale=DEMO_SCALE, seed=DEMO_SEED + 1, verbosity=0)

    assert row_counts() == before


@pytest.mark.parametrize("scale", [0, -1, float("nan"), 1000])
def test_a_bad_scale_is_refused_with_a_clear_message(demo: None, scale: float) -> None:
    before = row_counts()

    with pytest.raises(CommandError, match="scale"):
        call_command("seed_demo", scale=scale, seed=DEMO_SEED, verbosity=0)
    with pytest.raises(CommandError, match="case_scale"):
        call_command("seed_demo", scale=DEMO_SCALE, seed=DEMO_SEED, case_scale=scale, verbosity=0)

    assert row_counts() == before


def test_a_half_written_demo_is_refused_until_reset(demo: None) -> None:
    # A reset event after the seed hides the marker, as if the seed had died before its last stage.
    record_event(actor=None, event_type=DemoEvent.RESET, data={"district": "210603"})

    with pytest.raises(ValidationError) as error:
        demo_seed(actor=None, scale=DEMO_SCALE, seed=DEMO_SEED, case_scale=DEMO_CASE_SCALE)

    assert error.value.code == "demo_incomplete"


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(demo: None) -> None:
    first = demo_fingerprint()

    again = demo_seed(actor=None, scale=DEMO_SCALE, seed=DEMO_SEED, reset=True, case_scale=DEMO_CASE_SCALE)
    second = demo_fingerprint()
    demo_seed(actor=None, scale=DEMO_SCALE, seed=DEMO_SEED + 1, reset=True, case_scale=DEMO_CASE_SCALE)
    third = demo_fingerprint()

    assert again.created
    assert second == first
    assert third["residents"] != first["residents"]
    assert third["buildings"] != first["buildings"]


def test_reset_then_seed_reports_fresh_counts(demo: None) -> None:
    result = demo_seed(actor=None, scale=DEMO_SCALE, seed=DEMO_SEED, reset=True, case_scale=DEMO_CASE_SCALE)

    assert result.created
    assert result.counts == active_demo()["counts"]  # type: ignore[index]
    assert result.counts["resident"] == row_counts()["registry.Resident"]
    assert AuditEvent.objects.filter(event_type=DemoEvent.RESET.value).exists()
