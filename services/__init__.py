"""The services: one process each, owning its own data."""
