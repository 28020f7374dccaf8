"""`greenlist up` keeps the platform running: a dead process is restarted with backoff."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.supervisor import HEALTHY_AFTER, Supervisor
from shared.config import Settings

CRASH = [sys.executable, "-c", "import sys; sys.exit(3)"]
STAY = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_dead_process_is_restarted_with_backoff_while_the_others_run(tmp_path: Path) -> None:
    platform = Supervisor(Settings(var_dir=tmp_path))
    platform.spawn("worker", CRASH)
    platform.spawn("intake", STAY)
    worker, intake = platform.children
    try:
        worker.proc.wait(timeout=30)
        said = platform.supervise(now=100.0)
        assert said == [f"worker exited with code 3: restarting in 1 s (see {tmp_path}/logs/worker.log)"]
        assert platform.supervise(now=100.5) == []  # not before its backoff
        said = platform.supervise(now=101.0)
        assert said[0].startswith("worker restarted (restart 1, pid ")
        first_pid = worker.proc.pid

        worker.proc.wait(timeout=30)  # it crashes again: the wait doubles
        assert "restarting in 2 s" in platform.supervise(now=102.0)[0]
        assert platform.supervise(now=103.0) == []
        assert platform.supervise(now=104.0)[0].startswith("worker restarted (restart 2")
        assert worker.proc.pid != first_pid
        assert intake.proc.poll() is None and intake.restarts == 0  # the others kept running

        # A child that stayed up long enough starts over from the first delay.
        worker.proc.wait(timeout=30)
        worker.started = 104.0 - HEALTHY_AFTER
        worker.proc = platform._popen("worker", STAY)
        platform.supervise(now=104.0)
        assert worker.backoff == 1.0
    finally:
        platform.stop()
    assert all(c.proc.poll() is not None for c in platform.children)
