"""Stand-in for the `yente` package, so that yente's test files import without yente installed.

Only what those files import at their top level is here. Nothing in it reaches the server under
test: a test that patches these (settings, catalogs, the indexer) is in `skip.txt`.
"""
