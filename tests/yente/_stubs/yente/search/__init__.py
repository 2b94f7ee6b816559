"""Stand-in for `yente.search`."""
