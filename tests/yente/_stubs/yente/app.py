"""Stand-in for `yente.app`: there is no yente application in process, only the server."""


def create_app(*args, **kwargs):
    raise RuntimeError("yente's application is not available: these tests run against crosscheck serve")
