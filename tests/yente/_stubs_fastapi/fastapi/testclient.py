"""Stand-in for `fastapi.testclient`."""


class TestClient:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("no in-process application: these tests run against crosscheck serve")
