"""Notify: turns facts into messages for the people concerned (email and an in-app inbox)."""
