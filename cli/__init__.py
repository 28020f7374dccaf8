"""The `greenlist` command line."""
