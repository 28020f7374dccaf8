"""The one set of Pydantic v2 contracts: API bodies, workflow inputs/outputs and event payloads.

New fields get defaults, so recorded workflow histories and queued events stay readable.
"""
