"""Stand-in for `yente.data`."""
