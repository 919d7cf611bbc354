"""Writes of the party app, one module per kind of record, each with its actor and an audit row:
``members`` (party members), ``meetings`` (三会一课), ``transfers`` (介绍信), ``dues`` (党费) and
``development`` (入党申请). A transfer's and an application's later moves go through their workflows
(``party.transfers``, ``party.development``)."""

from dangqun.party.services.development import development_apply
from dangqun.party.services.dues import dues_base_set, dues_pay
from dangqun.party.services.meetings import meeting_record
from dangqun.party.services.transfers import transfer_issue, transfer_issue_bulk, transfers_expire

__all__ = [
    "development_apply",
    "dues_base_set",
    "dues_pay",
    "meeting_record",
    "transfer_issue",
    "transfer_issue_bulk",
    "transfers_expire",
]
