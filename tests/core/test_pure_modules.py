"""The text rules and the CSV reader are shared with the command line: they import no Django."""

from __future__ import annotations

import subprocess
import sys


def test_it_reads_csv_and_checks_text_without_importing_django():
    code = (
        "import sys, circlewise.core.csvfile, circlewise.core.text, circlewise.cli.form_circles; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
