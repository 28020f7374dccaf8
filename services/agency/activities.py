"""Agency's activities: acceptance (qualification, ban, independence and the cap, decided
under one lock), report, and the ban's recording and lifting; persisted with their facts."""

from __future__ import annotations

from temporalio import activity

from services.agency import recording, repository
from services.agency.models import Engagement
from services.agency.qualification import assess
from services.agency.supervision import last_banned_day
from shared.activities import ServiceActivities
from shared.contracts.agency import BanLift, BanRecorded, BanStart
from shared.contracts.application import EngagementRecord, ReportRecord
from shared.errors import ErrorCode, Refused
from shared.rules import RuleSet
from shared.temporal import Activities


class AgencyActivities(ServiceActivities):
    def _rule_set(self, engagement: Engagement) -> RuleSet:
        return self._rules.get(engagement.rule_set or engagement.batch)

    @activity.defn(name=Activities.AGENCY_RECORD_ACCEPTANCE)
    async def record_acceptance(self, record: EngagementRecord) -> None:
        """Accept the engagement, or refuse: agency unqualified (`Unqualified`), under a ban
        (`Banned`), not independent of the applicant (`NotIndependent`), or its group at the
        rule set's cap for the batch (`CapExceeded`). All checks and the write happen in one
        transaction holding the batch's cap lock, so concurrent acceptances by members of one
        group cannot both take the last place. A retry after the commit changes nothing."""
        async with self.transaction() as session:
            engagement = await recording.lock_engagement(session,
                                                          engagement_id=record.engagement_id)
            if engagement is None:
                raise Refused(ErrorCode.NOT_FOUND, f"engagement {record.engagement_id} not found",
                             f"委托{record.engagement_id}不存在")
            if engagement.status in repository.CARRIED:
                return  # a retry after the commit
            await recording.lock_cap(session, batch=engagement.batch,
                                      engagement_id=engagement.id)
            agency = await repository.get_agency(session, agency_id=engagement.agency_id)
            if agency is None:
                raise Refused(ErrorCode.NOT_FOUND, f"agency {engagement.agency_id} not found",
                             f"机构{engagement.agency_id}不存在")
            rules = self._rule_set(engagement)

            ban = await repository.active_ban(session, agency_id=agency.id)
            if ban is not None:
                last = last_banned_day(ban.ends_at, rules.zone)
                raise Refused(ErrorCode.BANNED,
                             f"agency {agency.id} is banned through {last} (China time, the "
                             f"whole day included; finding {ban.finding_id})",
                             f"机构{agency.id}因严重不良行为被禁止承担评价项目至"
                             f"{last:%Y年%m月%d日}（北京时间，含当日）",
                             ends_at=ban.ends_at.isoformat(), last_day=last.isoformat())

            on = record.transition.at.astimezone(rules.zone).date()
            qualification = assess(repository.registration_of(agency), rules.agency,
                                   rule_set=rules.code, on=on)
            if not qualification.qualified:
                unmet = [c for c in qualification.conditions if not c.met]
                raise Refused(ErrorCode.UNQUALIFIED,
                             f"agency {agency.id} does not qualify: "
                             + "; ".join(c.message for c in unmet),
                             f"机构{agency.id}不符合条件："
                             + "；".join(c.message_zh for c in unmet),
                             conditions=[c.model_dump() for c in unmet])

            group = await repository.group_of(session, code=agency.id)
            if engagement.applicant_credit_code in group.codes:
                raise Refused(ErrorCode.NOT_INDEPENDENT,
                             f"agency {agency.id} is related to the applicant "
                             f"{engagement.applicant_credit_code}",
                             f"机构{agency.id}与申报单位{engagement.applicant_credit_code}存在关联关系",
                             group=list(group.agencies))
            preparers = await repository.preparers_of(session,
                                                      application_id=engagement.application_id)
            involved = sorted(preparers & group.codes)
            if involved:
                raise Refused(ErrorCode.NOT_INDEPENDENT,
                             f"{', '.join(involved)} prepared the applicant's self-evaluation; "
                             f"agency {agency.id} (or its group) cannot evaluate it",
                             f"{'、'.join(involved)}参与编制了申报单位的自评价报告，"
                             f"机构{agency.id}（或其关联方）不得承担其第三方评价",
                             prepared_by=involved)

            counted = [c.value for c in rules.agency.counted_categories]
            if engagement.category in counted:
                per_agency = await repository.count_projects(
                    session, agency_ids=group.agencies, batch=engagement.batch, categories=counted)
                total, cap = sum(per_agency.values()), rules.agency.max_projects_per_group
                if total >= cap:
                    members = ", ".join(f"{a} ({per_agency.get(a, 0)})" for a in group.agencies)
                    raise Refused(ErrorCode.CAP_EXCEEDED,
                                 f"the group of agency {agency.id} carries {total} evaluation "
                                 f"projects in batch {engagement.batch}, the cap is {cap}; "
                                 f"group: {members}",
                                 f"机构{agency.id}所在关联方（{members}）在第{engagement.batch}批"
                                 f"已承担{total}个评价项目，上限为{cap}个",
                                 group=list(group.agencies), count=total, cap=cap,
                                 batch=engagement.batch)
            recording.mark_accepted(session, engagement=engagement, record=record)

    @activity.defn(name=Activities.AGENCY_RECORD_REPORT)
    async def record_report(self, record: ReportRecord) -> None:
        """Record the report, or refuse it while the agency is banned (`Banned`). A retry
        after the commit changes nothing."""
        async with self.transaction() as session:
            if await repository.report_of(session,
                                          engagement_id=record.report.engagement_id) is not None:
                return
            ban = await repository.active_ban(session, agency_id=record.report.agency_id)
            if ban is not None:
                # The ban's own zone is its rule set's; every rule set so far is China time.
                last = last_banned_day(ban.ends_at)
                raise Refused(ErrorCode.BANNED,
                             f"reports of agency {record.report.agency_id} are refused through "
                             f"{last} (China time, the whole day included; finding "
                             f"{ban.finding_id})",
                             f"机构{record.report.agency_id}的评价报告至{last:%Y年%m月%d日}"
                             f"（北京时间，含当日）不予受理",
                             ends_at=ban.ends_at.isoformat(), last_day=last.isoformat())
            await recording.add_report(session, record=record)

    @activity.defn(name=Activities.AGENCY_RECORD_BAN)
    async def record_ban(self, start: BanStart) -> BanRecorded:
        """Record the ban of a finding and flag the agency's reports of the batch; once."""
        async with self.transaction() as session:
            recorded = await recording.record_ban(session, start=start)
        return recorded

    @activity.defn(name=Activities.AGENCY_LIFT_BAN)
    async def lift_ban(self, lift: BanLift) -> None:
        """Lift the ban and announce it; once."""
        async with self.transaction() as session:
            await recording.lift_ban(session, lift=lift)
