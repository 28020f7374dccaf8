"""The Jinja2 environment every service's pages use: one per service, built in its app.py.

HTML pages are autoescaped and undefined names fail loudly (StrictUndefined), so a missing
value is a test failure rather than a blank cell in a published list.
"""

from __future__ import annotations

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from shared.labels import install_label_filters


def build_environment(package: str) -> Environment:
    """Templates from `{package}/templates`, falling back to the shared base templates."""
    env = Environment(
        loader=ChoiceLoader(
            [PackageLoader(package, "templates"), PackageLoader("shared", "templates")]
        ),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml"), default_for_string=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_label_filters(env)
    return env
