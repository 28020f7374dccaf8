"""Workflow code: deterministic, free of I/O. Activities run in the services that own data."""
