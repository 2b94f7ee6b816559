"""Stand-in for `yente.settings`: the names yente's tests read or patch, with yente 5.5's defaults.

Patching one changes nothing on the server under test (which is `crosscheck serve`); tests that
depend on such a patch are skipped (see skip.txt).
"""

TITLE = "crosscheck"
TESTING = True
MANIFEST = None
INDEX_NAME = "crosscheck"
ENTITY_INDEX = "crosscheck-entities"
AUTO_REINDEX = False
BEST_ALGORITHM = "best"
HIDDEN_ALGORITHMS: list = []
MATCH_FUZZY = True
MAX_URL_LENGTH = 60_000
MAX_BATCH = 100
MAX_PAGE = 500
DEFAULT_PAGE = 10
MAX_RESULTS = 9999
MAX_OFFSET = MAX_RESULTS - MAX_PAGE
MATCH_PAGE = 5
UPDATE_TOKEN = ""
REDOC_JS_URL = ""
REDOC_JS_SRI = ""
