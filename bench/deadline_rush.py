"""Deadline day: the 37 authorities recommend their units and submit their packages in the
same minute, against the platform in this process (every service, the workflows worker).

    .venv/bin/python bench/deadline_rush.py                      # embedded SQLite
    .venv/bin/python bench/deadline_rush.py --database-url postgresql://postgres@127.0.0.1/test

First (not timed) N green design products (no evaluation needed) are drafted and submitted,
spread over the 37 authorities. Then, all at once, every authority recommends each of its
units and, as soon as its own recommendations are answered, submits its package: N + 37
requests in flight together. Prints the answers per status (goal: no 5xx), whether every
package was accepted with every recommended unit in it, and latency p50/p99. The batch's rule
set is the 2020 one with its deadline in the future, so every package is on time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.inprocess import Platform, running_platform  # noqa: E402
from cli.isolated import drop_run, isolated_settings, new_run_id  # noqa: E402
from cli.synthetic import draft_body, ok, submit  # noqa: E402
from shared.regions import AUTHORITIES  # noqa: E402
from shared.rules import load_rule_set  # noqa: E402
from shared.temporal import SearchAttributes  # noqa: E402

BIN = Path(sys.executable).parent
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
RULE_SET = "rush-open"
CATEGORY = "green_design_product"  # no quota, no third-party evaluation: only the rush counts


def write_rule_set(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    base = load_rule_set("2020-5").model_dump(mode="json")
    base.update(code=RULE_SET, submission_deadline="2099-06-01T00:00:00+08:00")
    (folder / f"{RULE_SET}.yaml").write_text(yaml.safe_dump(base, allow_unicode=True),
                                             encoding="utf-8")
    return folder


async def prepare(p: Platform, batch: str, n: int, concurrency: int) -> dict[str, list[str]]:
    """N submitted applications waiting for their authority, by region."""
    ok(await p.intake.post("/api/v1/batches", json={"code": batch, "rule_set": RULE_SET},
                           headers=p.auth("ministry")), 201)
    regions = list(AUTHORITIES)
    by_region: dict[str, list[str]] = {r: [] for r in regions}
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        region = regions[i % len(regions)]
        credit = p.credit_code(region)
        async with sem:
            draft = ok(await p.intake.post(
                f"/api/v1/batches/{batch}/applications",
                json=draft_body(CATEGORY, credit, region, applicant_name=f"冲刺企业{i}"),
                headers=p.auth("applicant", credit)), 201)
            answer = ok(await submit(p, draft["id"], credit))
        if answer["stage"] != "recommendation":
            raise AssertionError(f"{draft['id']} is at {answer['stage']}, not with its authority")
        by_region[region].append(draft["id"])

    await asyncio.gather(*(one(i) for i in range(n)))
    return by_region


async def rush(p: Platform, batch: str, by_region: dict[str, list[str]]) -> dict[str, Any]:
    statuses: collections.Counter[tuple[str, int]] = collections.Counter()
    latencies: dict[str, list[float]] = {"recommendation": [], "package": []}
    packages: dict[str, Any] = {}
    start = asyncio.Event()

    async def timed(kind: str, coro: Any) -> Any:
        t0 = time.perf_counter()
        resp = await coro
        latencies[kind].append(time.perf_counter() - t0)
        statuses[(kind, resp.status_code)] += 1
        return resp

    async def authority(region: str) -> None:
        auth = p.auth("province", region)
        await start.wait()
        await asyncio.gather(*(
            timed("recommendation", p.intake.post(
                f"/api/v1/applications/{app_id}/recommendation",
                json={"decision": "recommend"}, headers=auth))
            for app_id in by_region[region]))
        resp = await timed("package", p.intake.post(f"/api/v1/batches/{batch}/package",
                                                    headers=auth))
        packages[region] = resp

    tasks = [asyncio.create_task(authority(region)) for region in by_region]
    await asyncio.sleep(0)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    complete = [
        region for region, resp in packages.items()
        if resp.status_code == 200
        and {u["application_id"] for u in resp.json()["units"]} == set(by_region[region])
    ]
    return {"statuses": statuses, "latencies": latencies, "elapsed": elapsed,
            "complete": complete, "packages": packages}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(result: dict[str, Any], *, n: int, where: str) -> bool:
    statuses: collections.Counter[tuple[str, int]] = result["statuses"]
    everything = [x for xs in result["latencies"].values() for x in xs]
    print(f"deadline rush on {where}: {n} recommendations and {len(AUTHORITIES)} packages "  # noqa: T201
          f"in {result['elapsed']:.1f} s")
    for (kind, status), count in sorted(statuses.items()):
        print(f"  {kind:15} {status}: {count}")  # noqa: T201
    for kind, values in [*result["latencies"].items(), ("all", everything)]:
        if values:
            print(f"  latency {kind:15} p50 {statistics.median(values):6.2f} s   "  # noqa: T201
                  f"p99 {percentile(values, 0.99):6.2f} s   max {max(values):6.2f} s")
    server_errors = sum(c for (_, s), c in statuses.items() if s >= 500)
    packages_ok = len(result["complete"]) == len(AUTHORITIES)
    print(f"  5xx: {server_errors}   packages accepted with all their units: "  # noqa: T201
          f"{len(result['complete'])}/{len(AUTHORITIES)}")
    for region, resp in sorted(result["packages"].items()):
        if region not in result["complete"]:
            print(f"    {region}: {resp.status_code} {resp.text[:300]}")  # noqa: T201
    return server_errors == 0 and packages_ok


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="recommendations in the rush")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL URL (default: the embedded SQLite, in a temporary folder)")
    parser.add_argument("--amqp-url", default=AMQP_URL)
    parser.add_argument("--prepare-concurrency", type=int, default=40)
    parser.add_argument("--pool-size", type=int, default=5,
                        help="DB_POOL_SIZE of each service (the issue's figures: 5)")
    parser.add_argument("--max-overflow", type=int, default=10,
                        help="DB_MAX_OVERFLOW of each service (the issue's figures: 10)")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="greenlist-rush-"))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"), data_converter=pydantic_data_converter,
        search_attributes=SearchAttributes.ALL, dev_server_log_level="error",
    )
    settings = isolated_settings(
        new_run_id("rush"), temporal_address=env.client.service_client.config.target_host,
        var_dir=var, database_url=args.database_url, amqp_url=args.amqp_url,
        rule_set_dirs=[write_rule_set(var / "rule_sets")],
        db_pool_size=args.pool_size, db_max_overflow=args.max_overflow,
    )
    where = "PostgreSQL" if settings.database_url else "SQLite (embedded)"
    try:
        async with running_platform(settings, env.client) as p:
            batch = "2099-1"
            t0 = time.perf_counter()
            by_region = await prepare(p, batch, args.n, args.prepare_concurrency)
            print(f"prepared {args.n} applications in {time.perf_counter() - t0:.1f} s")  # noqa: T201
            passed = report(await rush(p, batch, by_region), n=args.n, where=where)
    finally:
        await drop_run(settings)
        await env.shutdown()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
