"""Review: the ministry decides, publishes the list; the read model of every case lives here."""
