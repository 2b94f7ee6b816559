"""Stand-in for `yente.data.manifest`: a `Manifest` that keeps what it was given."""

from types import SimpleNamespace


class Manifest:
    def __init__(self, data: dict):
        self.data = data
        self.datasets = [dict(d) for d in data.get("datasets", [])]
        self.catalogs = [SimpleNamespace(**c) for c in data.get("catalogs", [])]

    @classmethod
    def model_validate(cls, data: dict) -> "Manifest":
        return cls(data)
