"""The settings tests run with: the one settings module, with its local (DEBUG) defaults.

Settings default to production; tests ask for the laptop defaults (console mail, a generated
secret key, local hosts) before the settings module reads the environment. Django itself still
runs the tests with ``settings.DEBUG`` off, as in production.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

from circlewise.settings import *  # noqa: F403
