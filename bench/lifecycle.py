"""Lifecycle throughput: N applications through every stage, against a bare Temporal baseline.

Both runs use the same Temporal dev server, in the same process, with the same shape per case:
one workflow start, five updates (submit, accept, report, recommend, decide), one publication
signal, seven activities. The full run goes through the services' HTTP APIs with PostgreSQL,
the outbox, RabbitMQ and the read model; the bare run has no business code at all.

    .venv/bin/python bench/lifecycle.py --n 200 --concurrency 20

Prints cases/s for both and their ratio (goal: ≥ 0.8). By default the services run as one
process each, as `greenlist up` runs them; `--in-process` runs them inside the bench process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from importlib import import_module
from pathlib import Path

import httpx
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bare_workflow import BareLifecycle, bare_step  # noqa: E402
from cli.inprocess import Platform, record_events, running_platform  # noqa: E402
from cli.isolated import drop_run, isolated_settings, new_run_id  # noqa: E402
from cli.synthetic import draft_body, evaluate, ok, open_batch, publish, register_agency, submit  # noqa: E402
from shared.config import SERVICES, Settings  # noqa: E402
from shared.db import migrate  # noqa: E402
from shared.messaging.tables import MessagingBase  # noqa: E402
from shared.temporal import SearchAttributes  # noqa: E402

BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


# ----------------------------------------------------------------------------- bare baseline


async def bare_run(client: Client, n: int, concurrency: int) -> float:
    prefix = uuid.uuid4().hex[:6]
    wq, aq = f"bare-wf-{prefix}", f"bare-act-{prefix}"
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with sem:
            handle = await client.start_workflow(BareLifecycle.run, aq, id=f"bare-{prefix}-{i}", task_queue=wq)
            for step in ("submit", "accept", "report", "recommend", "decide"):
                await handle.execute_update(BareLifecycle.step, step)
        return None

    async with Worker(client, task_queue=wq, workflows=[BareLifecycle]), Worker(
        client, task_queue=aq, activities=[bare_step]
    ):
        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        for i in range(n):
            await client.get_workflow_handle(f"bare-{prefix}-{i}").signal(BareLifecycle.publish)
        await asyncio.gather(*(client.get_workflow_handle(f"bare-{prefix}-{i}").result() for i in range(n)))
        return n / (time.perf_counter() - start)


# ----------------------------------------------------------------------------- full platform


async def full_run(p: Platform, n: int, concurrency: int) -> float:
    batch = f"29{uuid.uuid4().int % 90 + 10}-9"
    await open_batch(p, batch)
    # One agency group may carry at most 15 projects per batch (the rule set's cap).
    agencies = [await register_agency(p) for _ in range(-(-n // 15))]
    sem = asyncio.Semaphore(concurrency)
    regions = ["110000", "310000", "440000", "350000", "330200"]
    ids: list[str] = []

    async def one(i: int) -> None:
        async with sem:
            region = regions[i % len(regions)]
            credit = p.credit_code(region)
            draft = ok(await p.intake.post(
                f"/api/v1/batches/{batch}/applications",
                json=draft_body("green_supply_chain", credit, region, applicant_name=f"企业{i}"),
                headers=p.auth("applicant", credit)), 201)
            app_id = draft["id"]
            ok(await submit(p, app_id, credit))
            await evaluate(p, app_id, credit, agencies[i // 15])
            ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                   json={"decision": "recommend"}, headers=p.auth("province", region)))
            ok(await p.review.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "approve"},
                                   headers=p.auth("ministry")))
            ids.append(app_id)

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    await publish(p, batch)
    for app_id in ids:
        await p.temporal.get_workflow_handle(f"application:{app_id}").result()
    return n / (time.perf_counter() - start)


@contextlib.asynccontextmanager
async def platform_processes(settings: Settings, client: Client) -> AsyncIterator[Platform]:
    """The services and the workflows worker as separate processes, as `greenlist up` runs
    them (the bench process only drives HTTP and waits for results)."""
    for service in SERVICES:
        await migrate(settings, service, [import_module(f"services.{service}.app").PARTS.metadata,
                                          MessagingBase.metadata])
    ports = {service: free_port() for service in SERVICES}
    env = {**os.environ, "DATABASE_URL": settings.database_url or "", "DB_SCHEMA_PREFIX": settings.db_schema_prefix,
           "AMQP_URL": settings.amqp_url, "AMQP_PREFIX": settings.amqp_prefix,
           "TASK_QUEUE_PREFIX": settings.task_queue_prefix, "TEMPORAL_ADDRESS": settings.effective_temporal_address,
           "TOKEN_SECRET": settings.token_secret, "VAR_DIR": str(settings.var_dir),
           "RULE_SET_DIRS": json.dumps([str(d) for d in settings.rule_set_dirs]),
           **{f"{service.upper()}_PORT": str(port) for service, port in ports.items()}}
    log = open(settings.var_dir / "bench-processes.log", "ab")  # noqa: SIM115
    procs = [subprocess.Popen([sys.executable, "-m", "workflows.worker"], env=env, stdout=log, stderr=log)]
    procs += [subprocess.Popen([sys.executable, "-m", f"services.{s}"], env=env, stdout=log, stderr=log)
              for s in SERVICES]
    try:
        clients = {s: httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[s]}", timeout=120) for s in SERVICES}
        for service, http in clients.items():
            for _ in range(300):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
            else:
                raise RuntimeError(f"{service} did not become ready (see {log.name})")
        async with record_events(settings) as events:
            yield Platform(settings=settings, temporal=client, clients=clients, apps={}, events=events)
        for http in clients.values():
            await http.aclose()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--in-process", action="store_true",
                        help="run the services inside the bench process instead of one process each")
    args = parser.parse_args()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"), data_converter=pydantic_data_converter,
        search_attributes=SearchAttributes.ALL, dev_server_log_level="error",
    )
    settings = isolated_settings(new_run_id(), temporal_address=env.client.service_client.config.target_host,
                                 var_dir=Path(tempfile.mkdtemp()), database_url=DATABASE_URL, amqp_url=AMQP_URL)
    try:
        bare = await bare_run(env.client, args.n, args.concurrency)
        platform = running_platform if args.in_process else platform_processes
        async with platform(settings, env.client) as p:
            full = await full_run(p, args.n, args.concurrency)
        bare_again = await bare_run(env.client, args.n, args.concurrency)
    finally:
        await drop_run(settings)
        await env.shutdown()
    baseline = (bare + bare_again) / 2
    where = "in the bench process" if args.in_process else "one process each"
    print(f"cases: {args.n}, concurrency: {args.concurrency}, services {where}")  # noqa: T201
    print(f"bare Temporal lifecycle : {bare:7.1f} and {bare_again:7.1f} cases/s (mean {baseline:.1f})")  # noqa: T201
    print(f"greenlist full lifecycle: {full:7.1f} cases/s")  # noqa: T201
    print(f"ratio full / bare       : {full / baseline:.2f}  (goal >= 0.8)")  # noqa: T201


if __name__ == "__main__":
    asyncio.run(main())
