"""`make test-fast` leaves out the slow tests, and `make test` still runs them (issue 13, item 6)."""

from __future__ import annotations

import re

from api.core.config import PROJECT_ROOT

# The tests that take minutes: fuzzing, two served instances, a kill mid-import, an outage, a mixed load,
# the Dockerfile's build.
SLOW = [
    "tests/ops/test_fuzz.py",
    "tests/sync/test_two_instances.py",
    "tests/ops/test_import_kill.py",
    "tests/ops/test_database_outage.py",
    "tests/ops/test_mixed_load.py",
    "tests/ops/test_dockerfile.py",
]


def test_the_slow_tests_are_marked() -> None:
    for path in SLOW:
        assert "pytest.mark.slow" in (PROJECT_ROOT / path).read_text(encoding="utf-8"), path
    assert "slow:" in (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")  # declared (--strict-markers)


def test_make_test_fast_skips_them_and_make_test_does_not() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    fast = re.search(r"^test-fast:.*?## .+?\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert fast is not None, "make test-fast, with a help line"
    recipe = fast.group(1)
    assert recipe.count('-m "not slow"') == 2 and "KH_TEST_BACKEND=sqlite" in recipe
    assert "KH_TEST_BACKEND=postgresql" in recipe
    assert "not slow" not in makefile.replace(fast.group(0), "")  # make test and its halves run everything
