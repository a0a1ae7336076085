"""`citecheck links` starts without loading what it does not use.

Each check runs in a fresh interpreter (this one has loaded everything already) and
looks at sys.modules: a behaviour check, not a timing.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Loaded only when something is fetched, a table or bar is drawn, a DOI or ISBN is
# checked, wikitext is read, a Markdown text needs the slow parser or holds HTML, a
# host is not ASCII, a page body is stored, or a report's shape is needed.
NOT_FOR_LOCAL_LINKS = (
    "aiohttp",
    "citecheck.schema",  # its TypedDicts; the JSON id is citecheck.SCHEMA
    "html.parser",
    "idna",
    "isbnlib",
    "markdown_it",
    "mwparserfromhell",
    "numpy",
    "pathspec",
    "rapidfuzz",
    "requests",
    "urllib.request",  # loads http.client, email and ssl
    "urllib3",
    "tomllib",  # a config file only
    "xml.etree.ElementTree",  # the junit format only
)


def _run_python(code: str, cwd: Path) -> dict[str, object]:
    """Run `code` in a fresh interpreter; it prints one JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _local_docs(tmp_path: Path) -> Path:
    (tmp_path / "guide.md").write_text("# Guide\n\nSee [the index](index.md).\n", "utf-8")
    doc = tmp_path / "index.md"
    doc.write_text(
        "# Index\n\n"
        "Read [the guide](guide.md), [its image](img/logo.png) and [gone](missing.md).\n",
        "utf-8",
    )
    return doc


LINKS_RUN = """
    import json, sys
    import citecheck.cli.links
    from citecheck.cli import cli
    try:
        cli.main(["links", "index.md", "--format", "json", "-o", "out.json", "-q", *{extra!r}],
                 standalone_mode=False)
    except SystemExit as end:
        code = end.code
    else:
        code = 0
    heavy = [name for name in {names!r} if name in sys.modules]
    print(json.dumps({{"code": code, "loaded": heavy}}))
"""


def test_links_on_local_files_loads_no_network_or_heavy_parser(tmp_path: Path) -> None:
    _local_docs(tmp_path)
    found = _run_python(LINKS_RUN.format(names=NOT_FOR_LOCAL_LINKS, extra=[]), tmp_path)

    assert found["loaded"] == []
    # the run really happened: two links good, one broken, all kept in the store
    assert found["code"] == 1
    report = json.loads((tmp_path / "out.json").read_text("utf-8"))
    statuses = sorted(link["status"] for link in report["links"])
    assert statuses == ["broken", "broken", "ok"]
    assert (tmp_path / "citecheck.db").is_file()


def test_links_on_local_files_loads_no_rich(tmp_path: Path) -> None:
    _local_docs(tmp_path)
    found = _run_python(LINKS_RUN.format(names=("rich",), extra=[]), tmp_path)

    assert found["loaded"] == []


def test_links_without_a_cache_loads_no_database_or_spill_machinery(tmp_path: Path) -> None:
    _local_docs(tmp_path)
    names = ("sqlite3", "sqlite_utils", "pickle", "tempfile")  # a spill loads them
    found = _run_python(LINKS_RUN.format(names=names, extra=["--no-cache"]), tmp_path)

    assert found == {"code": 1, "loaded": []}
    assert not (tmp_path / "citecheck.db").exists()


def test_links_with_a_cache_on_a_current_file_loads_no_sqlite_utils(tmp_path: Path) -> None:
    _local_docs(tmp_path)
    # sqlite-utils brings dataclasses (citecheck's values are msgspec Structs: no
    # generated code to exec at start-up); hashlib is for storing page bodies
    names = ("sqlite_utils", "dataclasses", "hashlib")
    first = _run_python(LINKS_RUN.format(names=names, extra=[]), tmp_path)
    again = _run_python(LINKS_RUN.format(names=names, extra=[]), tmp_path)

    # a new file is made by sqlite-utils' migrations; once current, it is not needed
    assert first["code"] == 1 and "sqlite_utils" in first["loaded"]  # type: ignore[operator]
    assert again == {"code": 1, "loaded": []}
    conn = sqlite3.connect(tmp_path / "citecheck.db")
    runs = conn.execute("select command, status from runs order by id").fetchall()
    conn.close()
    assert runs == [("links", "complete"), ("links", "complete")]


def test_store_keeps_numpy_importable_after_hiding_it_from_sqlite_utils(
    tmp_path: Path,
) -> None:
    pytest.importorskip("numpy")
    found = _run_python(
        """
        import json, sys
        import citecheck.store
        citecheck.store.load_sqlite_utils()
        import sqlite_utils.db
        hidden = "numpy" not in sys.modules and sqlite_utils.db.np is None
        import numpy
        print(json.dumps({"hidden": hidden, "numpy": numpy.__name__}))
        """,
        tmp_path,
    )

    assert found == {"hidden": True, "numpy": "numpy"}


def test_store_lets_sqlite_utils_see_numpy_loaded_before_it(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    found = _run_python(
        """
        import json
        import numpy
        import citecheck.store
        citecheck.store.load_sqlite_utils()
        import sqlite_utils.db
        print(json.dumps({"same": sqlite_utils.db.np is numpy}))
        """,
        tmp_path,
    )

    assert found == {"same": True}
