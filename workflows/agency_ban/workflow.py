"""AgencyBanWorkflow: a sanctioned agency's ban, from decision to lifting."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from shared.contracts.agency import BanLift, BanRecorded, BanStart, BanView
    from shared.temporal import Activities
    from workflows.common import call_activity, own_queues


BAN_RECORDED_BY_CALLER = "ban-recorded-by-caller"


@workflow.defn(name="AgencyBanWorkflow")
class AgencyBanWorkflow:
    """One ban, id `agency-ban:{agency_id}:{finding_id}`.

    The ban is recorded by the caller in the finding's transaction (the agency's reports are
    refused from then on; its reports already submitted in the batch are flagged for the
    ministry's review); starts from before that (`recorded` false) record it here first. Then
    it sleeps on a durable timer until `ends_at` (00:00 China time after the ban's last day,
    computed by the caller: `services.agency.supervision.ban_end`), lifts the ban and
    announces `agency.ban.lifted`.
    Queries: view. No updates or signals. Terminal state: lifted.
    (No search attributes: the time-skipping test server does not register custom ones.)
    """

    @workflow.init
    def __init__(self, start: BanStart) -> None:
        self._start = start
        self._status: Literal["recording", "banned", "lifted"] = (
            "banned" if start.recorded else "recording")
        self._lifted_at: datetime | None = None
        self._queues = own_queues()

    @workflow.run
    async def run(self, start: BanStart) -> BanView:
        # Since bans are recorded with their finding (`start.recorded`), the workflow only
        # waits and lifts. Starts made before carry no flag and record the ban here, as their
        # histories do (the patch marker keeps the two paths apart on replay).
        if not (start.recorded and workflow.patched(BAN_RECORDED_BY_CALLER)):
            await call_activity(Activities.AGENCY_RECORD_BAN, start, self._queues.agency,
                                BanRecorded)
        self._status = "banned"
        remaining = start.ends_at - workflow.now()
        if remaining.total_seconds() > 0:
            await workflow.sleep(remaining)
        lifted_at = workflow.now()
        await call_activity(
            Activities.AGENCY_LIFT_BAN,
            BanLift(agency_id=start.agency_id, finding_id=start.finding_id, lifted_at=lifted_at),
            self._queues.agency,
        )
        self._status, self._lifted_at = "lifted", lifted_at
        return self.view()

    @workflow.query
    def view(self) -> BanView:
        return BanView(
            agency_id=self._start.agency_id,
            finding_id=self._start.finding_id,
            decided_at=self._start.decided_at,
            ends_at=self._start.ends_at,
            status=self._status,
            lifted_at=self._lifted_at,
        )
