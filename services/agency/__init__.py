"""Agency: third-party evaluation agencies register, accept engagements and report."""
