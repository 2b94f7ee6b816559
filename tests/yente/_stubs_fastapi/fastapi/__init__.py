"""Stand-in for `fastapi`, used only when FastAPI is not installed (test_app.py imports its TestClient)."""
