"""Inputs -> documents: files, folders of every kind, live articles by URL or title."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_mediawiki import FakePage, serve_mediawiki

from citecheck.documents import EXTENSIONS
from citecheck.errors import InputError
from citecheck.inputs import DOCUMENT_SUFFIXES, expand_inputs, load_documents, read_titles_file

FIXTURES = Path(__file__).parent / "fixtures"
WIKITEXT = (FIXTURES / "wiki" / "tide_mill.wiki").read_text()
PAGES = {
    "Harrowgate Tide Mill": FakePage(WIKITEXT, revision_id=1234567),
    "Gezeitenmühle": FakePage(WIKITEXT, revision_id=77),
}


def test_load_documents_still_takes_just_a_list_of_paths():
    documents, failures = load_documents([str(FIXTURES / "wiki" / "tide_mill.wiki")])
    assert failures == []
    assert documents[0].kind == "wikitext" and len(documents[0].references) == 6


def test_a_folder_yields_html_bibtex_and_csl_json_but_not_other_json(tmp_path: Path):
    for name in ("tide_mill.classic.html", "tide_mill.wiki"):
        shutil.copy(FIXTURES / "wiki" / name, tmp_path / name)
    shutil.copy(FIXTURES / "bib" / "library.bib", tmp_path / "library.bib")
    shutil.copy(FIXTURES / "bib" / "library.csl.json", tmp_path / "refs.csl.json")
    (tmp_path / "package.json").write_text('{"name": "not a bibliography"}')
    found = [Path(p).name for p in expand_inputs([str(tmp_path)])]
    assert found == ["library.bib", "refs.csl.json", "tide_mill.classic.html", "tide_mill.wiki"]
    documents, failures = load_documents([str(tmp_path)])
    assert failures == []
    assert [d.kind for d in documents] == ["bibtex", "csljson", "html", "wikitext"]


def test_a_folder_yields_every_extension_the_readers_know_but_plain_json(tmp_path: Path):
    shutil.copy(FIXTURES / "wiki" / "tide_mill.classic.html", tmp_path / "tide_mill.xhtml")
    (tmp_path / "notes.json").write_text('{"name": "not a bibliography"}')
    assert [Path(p).name for p in expand_inputs([str(tmp_path)])] == ["tide_mill.xhtml"]
    documents, failures = load_documents([str(tmp_path)])
    assert failures == []
    assert [d.kind for d in documents] == ["html"] and len(documents[0].references) == 6
    assert frozenset(EXTENSIONS) - {".json"} == DOCUMENT_SUFFIXES


def test_article_urls_and_titles_are_fetched_and_record_their_revision():
    with serve_mediawiki(PAGES) as api:
        documents, failures = load_documents(
            ["https://en.wikipedia.org/wiki/Harrowgate_Tide_Mill"],
            titles=["Gezeitenmühle", "No such mill"],
            wiki="de",
            mediawiki_api=api,
            min_interval=0,
        )
    assert [d.source for d in documents] == [
        "https://en.wikipedia.org/w/index.php?title=Harrowgate_Tide_Mill&oldid=1234567",
        "https://de.wikipedia.org/w/index.php?title=Gezeitenm%C3%BChle&oldid=77",
    ]
    assert documents[0].title == "Harrowgate Tide Mill"
    assert documents[0].kind == "wikitext" and len(documents[0].claims) == 7
    assert len(failures) == 1
    assert failures[0].source == "No such mill"
    assert failures[0].message == "No such mill: no such page on de.wikipedia.org"


def test_a_missing_file_and_a_missing_article_do_not_stop_the_rest(tmp_path: Path):
    with serve_mediawiki(PAGES) as api:
        documents, failures = load_documents(
            [str(tmp_path / "absent.wiki"), "wiki:en:Harrowgate Tide Mill"],
            mediawiki_api=api,
            min_interval=0,
        )
    assert len(documents) == 1
    assert [f.message for f in failures] == [f"{tmp_path / 'absent.wiki'}: no such file"]


def test_titles_file_skips_blanks_and_comments(tmp_path: Path):
    listing = tmp_path / "titles.txt"
    listing.write_text("# audit list\nHarrowgate Tide Mill\n\nhttps://de.wikipedia.org/wiki/X\n")
    assert read_titles_file(str(listing)) == [
        "Harrowgate Tide Mill", "https://de.wikipedia.org/wiki/X",
    ]
    with pytest.raises(InputError, match="cannot be read"):
        read_titles_file(str(tmp_path / "absent.txt"))
