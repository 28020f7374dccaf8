"""`greenlist simulate`: the fifth batch from the notice (2 March 2020) through publication and
two triennial reviews (2023, 2026), on the time-skipping Temporal server, with synthetic but
valid data, through the real services' HTTP APIs, activities, events and consumers.

The mix follows the fifth batch as published (719 factories, 1,073 design products, 53 parks,
99 supply-chain enterprises) scaled by `scale`, spread over the 37 authorities, plus probes
that must be refused: one authority's 31st factory and 4th park (quotas) and an agency's 16th
project (cap). Some authorities never submit their package (reminders, the missing report), one
answer to the ministry is asked for, one objection is upheld in publicity, some units miss their
yearly report, some are removed at each review and one authority never reports a review.

The Temporal Schedule of the reviews does not exist on the time-skipping server; each review is
started exactly as the Schedule's action would start it (`start_rereview_now`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from temporalio.testing import WorkflowEnvironment

from cli.inprocess import Platform, remove_run, running_platform
from cli.synthetic import (
    CLEAN_DECLARATIONS,
    accept,
    draft_body,
    entrust,
    ok,
    recent_record,
    register_agency,
    submit_report,
)
from shared.chinatime import CHINA
from shared.config import Settings
from shared.contracts.listing import RemovalReason, ReReviewStart
from shared.regions import AUTHORITIES
from shared.rules import load_rule_set
from shared.temporal import TaskQueues
from shared.timeskip import start_time_skipping
from workflows.rereview.schedule import start_rereview_now

T = TypeVar("T")
NOTICE = datetime(2020, 3, 2, 10, 0, tzinfo=CHINA)
BATCH = "2020-5"
FIFTH_BATCH = {  # as published on 2020-10-30 [ext]
    "green_factory": 719,
    "green_design_product": 1073,
    "green_park": 53,
    "green_supply_chain": 99,
}
# Where most applications came from (a rough, synthetic weighting: manufacturing provinces).
HEAVY = {
    "320000": 6,
    "330000": 6,
    "440000": 5,
    "370000": 5,
    "340000": 4,
    "410000": 3,
    "420000": 3,
    "350000": 3,
    "130000": 2,
    "510000": 2,
}
SILENT_AUTHORITIES = ("650000", "660000", "540000")  # never submit a package
NAMES = ("绿能", "华清", "东方", "恒远", "新材", "蓝天", "嘉禾", "瑞丰", "中科", "长江")
SUFFIX = {
    "green_factory": "制造有限公司",
    "green_design_product": "电器股份有限公司",
    "green_park": "经济技术开发区",
    "green_supply_chain": "汽车集团有限公司",
}


@dataclass
class Summary:
    """What the run did; printed at the end and asserted by the tests."""

    started: datetime = NOTICE
    applications: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    quota_refusals: list[str] = field(default_factory=list)
    cap_refusals: list[str] = field(default_factory=list)
    reminder_dates: Counter[str] = field(default_factory=Counter)
    missing_packages: list[str] = field(default_factory=list)
    listed: int = 0
    excluded: list[str] = field(default_factory=list)
    yearly_reminders: int = 0
    reviews: list[dict[str, Any]] = field(default_factory=list)
    removals: Counter[str] = field(default_factory=Counter)
    events: int = 0
    duplicate_events: int = 0
    notifications: int = 0
    duplicate_notifications: int = 0
    dead_letters: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"fifth batch, simulated from {self.started:%Y-%m-%d} in {self.seconds:.1f} s",
            "applications: " + ", ".join(f"{k} {v}" for k, v in sorted(self.applications.items())),
            "stages now:   " + ", ".join(f"{k} {v}" for k, v in sorted(self.stages.items())),
            f"quota refusals: {len(self.quota_refusals)} ({'; '.join(self.quota_refusals)})",
            f"cap refusals:   {len(self.cap_refusals)} ({'; '.join(self.cap_refusals)})",
            "package reminders (China time): "
            + ", ".join(f"{d} ×{n}" for d, n in sorted(self.reminder_dates.items())),
            f"no package by the deadline: {', '.join(self.missing_packages) or 'none'}",
            f"published: {self.listed} units; "
            f"left off after an upheld objection: {len(self.excluded)}",
            f"yearly-report reminders: {self.yearly_reminders}",
        ]
        for review in self.reviews:
            out.append(
                f"review {review['opened']}: {review['units']} units, removed {review['removed']}, "
                f"retained {review['retained']}, authorities silent {review['missing']}"
            )
        out += [
            "removals by reason: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.removals.items())),
            f"events: {self.events} (delivered twice: {self.duplicate_events}); "
            f"notifications: {self.notifications} (twice: {self.duplicate_notifications}); "
            f"dead-lettered: {self.dead_letters}",
        ]
        return out


_T0 = time.monotonic()


def say(line: str) -> None:
    """Progress on the terminal, with the seconds of real time spent so far."""
    print(f"[{time.monotonic() - _T0:7.1f}s] {line}", flush=True)  # noqa: T201


class Run:
    """One simulation: the clock, the platform, the people's steps."""

    def __init__(
        self,
        env: WorkflowEnvironment,
        p: Platform,
        scale: float,
        seed: int,
        progress: Callable[[str], None],
    ) -> None:
        self.env, self.p, self.rng, self.progress = env, p, random.Random(seed), progress
        self.scale = scale
        self.summary = Summary()
        self.gate = asyncio.Semaphore(16)
        self.agencies: list[str] = []
        self.load: Counter[str] = Counter()
        self.recommended: dict[str, tuple[str, str, str]] = {}  # id -> (region, category, credit)

    # ------------------------------------------------------------------ the clock

    async def now(self) -> datetime:
        return (await self.env.get_current_time()).astimezone(CHINA)

    async def until(self, moment: datetime) -> None:
        """Let time pass (every timer on the way fires) until `moment`."""
        gap = moment - await self.now()
        if gap > timedelta(0):
            await self.env.sleep(gap)
        self.progress(f"{(await self.now()):%Y-%m-%d %H:%M} China time")

    async def bounded(self, jobs: Iterable[Awaitable[T]], label: str) -> list[T]:
        items = list(jobs)
        done = 0

        async def one(job: Awaitable[T]) -> T:
            nonlocal done
            async with self.gate:
                result = await job
            done += 1
            if done % 50 == 0 or done == len(items):
                self.progress(f"  {label}: {done}/{len(items)}")
            return result

        return await asyncio.gather(*(one(j) for j in items))

    # ------------------------------------------------------------------ 2020: applying

    def plan(self) -> list[tuple[str, str]]:
        """(region, category) of every application: the scaled mix plus the quota probes."""
        regions = list(AUTHORITIES)
        weights = [HEAVY.get(r, 1) for r in regions]
        plan: list[tuple[str, str]] = []
        for category, count in FIFTH_BATCH.items():
            for _ in range(max(1, round(count * self.scale))):
                plan.append((self.rng.choices(regions, weights)[0], category))
        rules = load_rule_set(BATCH)
        probe = "320000"
        for category in ("green_factory", "green_park"):
            from shared.rules.model import Category

            quota = rules.quota(Category(category), probe)
            assert quota is not None
            have = sum(1 for r, c in plan if r == probe and c == category)
            plan += [(probe, category)] * max(0, quota + 1 - have)
        return plan

    async def agency_for(self) -> str:
        """An agency with room under the cap (15), registering a new one when all are full."""
        for agency in self.agencies:
            if self.load[agency] < 15:
                self.load[agency] += 1
                return agency
        today = (await self.now()).date()
        agency = await register_agency(self.p, records=[recent_record(today=today)])
        self.agencies.append(agency)
        self.load[agency] = 1
        return agency

    async def apply(self, region: str, category: str) -> None:
        p = self.p
        credit = p.credit_code(region)
        place = AUTHORITIES[region].name_zh.rstrip("市省")
        name = f"{place}{self.rng.choice(NAMES)}{SUFFIX[category]}"
        body = ok(
            await p.intake.post(
                f"/api/v1/batches/{BATCH}/applications",
                json=draft_body(category, credit, region, applicant_name=name),
                headers=p.auth("applicant", credit),
            ),
            201,
        )
        app_id = body["id"]
        ok(
            await p.intake.post(
                f"/api/v1/applications/{app_id}/submit",
                json={"declarations": CLEAN_DECLARATIONS},
                headers=p.auth("applicant", credit),
            )
        )
        if category != "green_design_product":
            agency = await self.agency_for()
            engagement = await entrust(p, app_id, credit, agency)
            ok(await accept(p, engagement["id"], agency))
            ok(await submit_report(p, engagement, agency))
        resp = await p.intake.post(
            f"/api/v1/applications/{app_id}/recommendation",
            json={"decision": "recommend"},
            headers=p.auth("province", region),
        )
        if resp.status_code == 409 and resp.json()["detail"]["code"] == "QuotaExceeded":
            self.summary.quota_refusals.append(f"{region} {category}")
            return
        ok(resp)
        self.recommended[app_id] = (region, category, credit)

    async def cap_probe(self) -> None:
        """One more project for a full agency: refused, naming the group and its count."""
        full = next((a for a in self.agencies if self.load[a] >= 15), None)
        if full is None:
            full = self.agencies[0] if self.agencies else await self.agency_for()
            while self.load[full] < 15:  # fill it with design-product-free evaluations
                await self.apply("110000", "green_supply_chain")
            full = next(a for a in self.agencies if self.load[a] >= 15)
        p = self.p
        credit = p.credit_code("110000")
        body = ok(
            await p.intake.post(
                f"/api/v1/batches/{BATCH}/applications",
                json=draft_body(
                    "green_factory", credit, "110000", applicant_name="北京探针制造有限公司"
                ),
                headers=p.auth("applicant", credit),
            ),
            201,
        )
        ok(
            await p.intake.post(
                f"/api/v1/applications/{body['id']}/submit",
                json={"declarations": CLEAN_DECLARATIONS},
                headers=p.auth("applicant", credit),
            )
        )
        engagement = await entrust(p, body["id"], credit, full)
        refused = await accept(p, engagement["id"], full)
        if refused.status_code == 409 and refused.json()["detail"]["code"] == "CapExceeded":
            self.summary.cap_refusals.append(f"agency {full}")

    # ------------------------------------------------------------------ the whole story

    async def run(self) -> Summary:
        p, s = self.p, self.summary
        started = time.perf_counter()
        s.started = await self.now()
        self.progress(
            f"{s.started:%Y-%m-%d %H:%M} China time: the notice; the ministry opens batch {BATCH}"
        )
        ok(
            await p.intake.post(
                "/api/v1/batches",
                json={"code": BATCH, "rule_set": BATCH},
                headers=p.auth("ministry"),
            ),
            201,
        )
        plan = self.plan()
        s.applications.update(c for _, c in plan)
        await self.bounded((self.apply(r, c) for r, c in plan), "applications")
        await self.cap_probe()

        await self.until(datetime(2020, 5, 20, 10, tzinfo=CHINA))
        submitting = sorted({r for r, _, _ in self.recommended.values()} - set(SILENT_AUTHORITIES))
        await self.bounded(
            (
                p.intake.post(f"/api/v1/batches/{BATCH}/package", headers=p.auth("province", r))
                for r in submitting
            ),
            "packages",
        )
        await self.until(datetime(2020, 6, 2, 10, tzinfo=CHINA))

        await self.review_and_publish()
        await self.yearly_reports()
        for year in (2023, 2026):
            await self.triennial_review(year)
        await self.settle()
        await self.count(started)
        return s

    async def review_and_publish(self) -> None:
        p = self.p
        ids = sorted(self.recommended)
        asked = ids[0]
        region = self.recommended[asked][0]
        due = (await self.now() + timedelta(days=14)).isoformat()
        ok(
            await p.review.post(
                f"/api/v1/applications/{asked}/information-request",
                json={"question": "请补充近三年能耗数据", "due": due},
                headers=p.auth("ministry"),
            )
        )
        ok(
            await p.intake.post(
                f"/api/v1/applications/{asked}/information",
                json={"answer": "已补充2017-2019年能耗数据"},
                headers=p.auth("province", region),
            )
        )
        rejected = set(ids[1::40])

        async def decide(app_id: str) -> None:
            body = (
                {"decision": "reject", "reason": "评价材料与现场情况不符"}
                if app_id in rejected
                else {"decision": "approve"}
            )
            ok(
                await p.review.post(
                    f"/api/v1/applications/{app_id}/decision", json=body, headers=p.auth("ministry")
                )
            )

        await self.until(datetime(2020, 9, 20, 10, tzinfo=CHINA))
        await self.bounded((decide(i) for i in ids), "ministry decisions")
        await self.until(datetime(2020, 10, 20, 10, tzinfo=CHINA))
        ok(await p.review.post(f"/api/v1/batches/{BATCH}/publicity", headers=p.auth("ministry")))
        target = next(i for i in ids[2:] if i not in rejected)
        objection = ok(
            await p.review.post(
                f"/api/v1/batches/{BATCH}/objections",
                json={
                    "application_id": target,
                    "lodged_by": "某环保组织",
                    "contact": "010-00000000",
                    "grounds": "该企业2019年发生较大突发环境事件，未如实申报",
                },
            ),
            201,
        )
        ok(
            await p.review.post(
                f"/api/v1/objections/{objection['id']}/resolution",
                json={"upheld": True, "resolution": "经核实情况属实"},
                headers=p.auth("ministry"),
            )
        )
        await self.until(datetime(2020, 10, 30, 10, tzinfo=CHINA))
        published = ok(
            await p.review.post(f"/api/v1/batches/{BATCH}/publication", headers=p.auth("ministry"))
        )
        self.summary.listed = int(published["published_count"])
        self.summary.excluded = [target]
        self.progress(f"  published {self.summary.listed} units")

    async def yearly_reports(self) -> None:
        """Half the units publish their 2020 report before the 2021 reminder."""
        p = self.p
        listed = await self.listed_units()
        reporting = listed[::2]

        async def report(unit: dict[str, Any]) -> None:
            ok(
                await p.review.post(
                    f"/api/v1/listed-units/{unit['application_id']}/yearly-reports",
                    json={
                        "year": 2020,
                        "url": f"https://example.cn/{unit['credit_code']}/2020.pdf",
                    },
                    headers=p.auth("applicant", unit["credit_code"]),
                ),
                201,
            )

        await self.until(datetime(2021, 3, 1, 10, tzinfo=CHINA))
        await self.bounded((report(u) for u in reporting), "yearly reports")

    async def listed_units(self) -> list[dict[str, Any]]:
        body = ok(
            await self.p.review.get("/api/v1/public/list", params={"batch": BATCH, "limit": 1000})
        )
        return [u for u in body["items"] if u["status"] != "removed"]

    async def triennial_review(self, year: int) -> None:
        p = self.p
        opens = datetime(year, 10, 30, 9, tzinfo=CHINA)
        await self.until(opens - timedelta(minutes=1))
        handle = await start_rereview_now(
            p.temporal,
            ReReviewStart(batch=BATCH),
            TaskQueues(p.settings.task_queue_prefix),
            opens.astimezone(UTC),
        )
        await self.until(opens + timedelta(hours=1))
        view = ok(await p.review.get(f"/api/v1/rereviews/{handle.id}", headers=p.auth("ministry")))
        units = await self.listed_units()
        by_region: dict[str, list[dict[str, Any]]] = {}
        for unit in units:
            by_region.setdefault(unit["region"], []).append(unit)
        silent = sorted(view["regions_pending"])[-1]
        reasons = list(RemovalReason)

        async def report(region: str) -> None:
            results = []
            for i, unit in enumerate(by_region[region]):
                removed = self.rng.random() < 0.08
                results.append(
                    {
                        "application_id": unit["application_id"],
                        "outcome": "removed" if removed else "retained",
                        "reasons": [reasons[i % len(reasons)].value] if removed else [],
                    }
                )
            ok(
                await p.review.post(
                    f"/api/v1/rereviews/{handle.id}/report",
                    json={"results": results},
                    headers=p.auth("province", region),
                )
            )

        await self.bounded(
            (report(r) for r in view["regions_pending"] if r != silent), f"{year} review reports"
        )
        await self.until(opens + timedelta(days=95))
        outcome = await handle.result()
        self.summary.reviews.append(
            {
                "opened": f"{opens:%Y-%m-%d}",
                "units": len(units),
                "removed": len(outcome.removed),
                "retained": len(units) - len(outcome.removed),
                "missing": ", ".join(
                    sorted(set(view["regions_pending"]) - set(outcome.regions_reported))
                ),
            }
        )

    async def settle(self) -> None:
        """Wait until every announced fact has reached its consumers."""
        last, quiet = -1, 0
        while quiet < 10:
            await asyncio.sleep(0.2)
            count = len(self.p.events.messages)
            quiet = quiet + 1 if count == last else 0
            last = count

    async def count(self, started: float) -> None:
        p, s = self.p, self.summary
        resp = await p.review.get(
            "/api/v1/applications", params={"batch": BATCH}, headers=p.auth("ministry")
        )
        cases: list[dict[str, Any]] = resp.json()
        s.stages.update(c["stage"] for c in cases)
        events = p.events.messages
        ids = Counter(m["id"] for m in events)
        s.events, s.duplicate_events = len(events), sum(n - 1 for n in ids.values())
        for m in events:
            key = m["routing_key"]
            if key == "batch.reminder.due":
                moment = datetime.fromisoformat(m["body"]["occurred_at"]).astimezone(CHINA)
                s.reminder_dates[f"{moment:%Y-%m-%d %H:%M}"] += 1
            elif key == "batch.deadline.passed":
                s.missing_packages = m["body"]["payload"]["missing"]
            elif key == "review.yearly_report.due":
                s.yearly_reminders += 1
            elif key == "review.unit.removed":
                s.removals.update(m["body"]["payload"]["reasons"])
        s.notifications, s.duplicate_notifications = await p.notification_counts()
        s.dead_letters = await p.dead_letter_count()
        s.seconds = time.perf_counter() - started


@contextlib.asynccontextmanager
async def simulation_platform(base: Settings, env: WorkflowEnvironment) -> AsyncIterator[Platform]:
    """The platform on the time-skipping server, isolated from any running one by prefixes."""
    run = "sim" + uuid.uuid4().hex[:6]
    var = Path(tempfile.mkdtemp(prefix="greenlist-sim-"))
    settings = base.model_copy(
        update={
            "db_schema_prefix": f"{run}_",
            "amqp_prefix": f"{run}.",
            "task_queue_prefix": f"{run}-",
            "temporal_address": env.client.service_client.config.target_host,
            "var_dir": var,
            "outbox_poll_seconds": 0.1,
            "smtp_port": 9,  # nowhere: the simulation counts in-app notifications, it mails nobody
        }
    )
    consumers: list[str] = []
    try:
        async with running_platform(settings, env.client) as platform:
            consumers.extend(platform.consumer_names())
            yield platform
    finally:
        await remove_run(settings, consumers)


async def simulate(
    base: Settings, scale: float = 0.02, seed: int = 20200302, progress: Callable[[str], None] = say
) -> Summary:
    env = await start_time_skipping(NOTICE)
    try:
        async with simulation_platform(base, env) as platform:
            return await Run(env, platform, scale, seed, progress).run()
    finally:
        await env.shutdown()
