"""Run one service process (`python -m services.<name>`): uvicorn around its app."""

from __future__ import annotations

import logging
import sys

import uvicorn

from shared.config import ServiceName, Settings
from shared.runtime import UnreachableError


def serve(service: ServiceName) -> None:
    from importlib import import_module

    logging.basicConfig(
        level=logging.INFO, format=f"%(asctime)s {service} %(levelname)s %(name)s %(message)s"
    )
    settings = Settings()
    app = import_module(f"services.{service}.app").create_app(settings)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port_of(service), log_level="warning",
                    lifespan="on")
    except UnreachableError as err:
        print(f"{service}: {err}", file=sys.stderr)  # noqa: T201
        sys.exit(2)
