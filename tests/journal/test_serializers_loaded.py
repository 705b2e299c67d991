"""Each process that writes (the web app, the CLI's demo loader) must have every serializer its writes journal with
registered: the registration happens when the domain module is imported, so a writer that never imports it fails."""

from __future__ import annotations

import subprocess
import sys


def test_the_demo_loader_alone_registers_what_it_journals() -> None:
    """Finding (December 2026): `khuyenhoc demo load` in a fresh process failed with "no serializer registered for
    record type 'association_year'" (only the web app imported api.associations.service), so the two-instance
    test could not start and a new instance could not load the demo."""
    code = (
        "import api.demo.registries, api.demo.reports\n"
        "from api import journal\n"
        "wanted = {'association', 'association_year', 'fund', 'fund_entry', 'award', 'report'}\n"
        "missing = wanted - set(journal.kinds())\n"
        "assert not missing, missing\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
