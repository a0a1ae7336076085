"""The MediaWiki Action API client, against a fake API on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_mediawiki import FakePage, serve_mediawiki

from citecheck.wikipedia import (
    MediaWikiClient,
    WikipediaError,
    fetch_wikitext,
    is_article_input,
    parse_article,
)

WIKITEXT = (Path(__file__).parent / "fixtures" / "wiki" / "tide_mill.wiki").read_text()
PAGES = {"Harrowgate Tide Mill": FakePage(WIKITEXT, revision_id=1234567)}


def _client(api: str, waits: list[float] | None = None) -> MediaWikiClient:
    sink = waits if waits is not None else []
    return MediaWikiClient(api_url=api, min_interval=0, sleep=sink.append)


@pytest.mark.parametrize(
    ("given", "host", "title"),
    [
        ("https://en.wikipedia.org/wiki/Harrowgate_Tide_Mill", "en.wikipedia.org",
         "Harrowgate Tide Mill"),
        ("https://de.m.wikipedia.org/wiki/Gezeitenm%C3%BChle", "de.wikipedia.org",
         "Gezeitenmühle"),
        ("https://fr.wikipedia.org/w/index.php?title=Moulin_%C3%A0_mar%C3%A9e&oldid=5",
         "fr.wikipedia.org", "Moulin à marée"),
        ("wiki:de:Gezeitenmühle", "de.wikipedia.org", "Gezeitenmühle"),
        ("Harrowgate_Tide_Mill", "en.wikipedia.org", "Harrowgate Tide Mill"),
    ],
)
def test_article_names_come_from_urls_prefixes_and_titles(given: str, host: str, title: str):
    name = parse_article(given)
    assert (name.host, name.title) == (host, title)


def test_only_wikipedia_urls_and_wiki_prefixes_are_article_inputs():
    assert is_article_input("https://ja.wikipedia.org/wiki/X")
    assert is_article_input("wiki:en:Harrowgate Tide Mill")
    assert not is_article_input("https://example.org/wiki/X")
    assert not is_article_input("article.wiki")
    with pytest.raises(WikipediaError, match="not a Wikipedia article URL"):
        parse_article("https://example.org/wiki/X")
    with pytest.raises(WikipediaError, match="language code"):
        parse_article("Title", lang="EN!")


def test_fetch_returns_wikitext_revision_and_permalink_with_a_descriptive_user_agent():
    with serve_mediawiki(PAGES) as api:
        revision = fetch_wikitext(
            "https://en.wikipedia.org/wiki/Harrowgate_Tide_Mill", api_url=api
        )
        request = api.server.requests[0]
    assert revision.wikitext == WIKITEXT
    assert revision.revision_id == 1234567
    assert revision.timestamp == "2026-01-15T10:00:00Z"
    assert revision.permalink == (
        "https://en.wikipedia.org/w/index.php?title=Harrowgate_Tide_Mill&oldid=1234567"
    )
    query = parse_qs(urlsplit(request.path).query)
    assert query["maxlag"] == ["5"]
    assert query["rvprop"] == ["content|ids|timestamp"]
    assert query["rvslots"] == ["main"] and query["formatversion"] == ["2"]
    agent = request.headers["User-Agent"]
    assert agent.startswith("citecheck/") and "@" in agent  # contact, as Wikimedia asks


def test_maxlag_is_honoured_then_the_request_is_retried():
    waits: list[float] = []
    with serve_mediawiki(PAGES, lagged=1, retry_after="3") as api:
        revision = _client(api, waits).fetch_wikitext("Harrowgate Tide Mill")
        assert api.server.hits("/w/api.php") == 2
    assert revision.revision_id == 1234567
    assert waits == [3.0]


def test_a_wiki_that_stays_lagged_gives_up_with_one_line():
    waits: list[float] = []
    client = MediaWikiClient(api_url=None, min_interval=0, sleep=waits.append, max_retries=2)
    with serve_mediawiki(PAGES, lagged=10) as api:
        client.api_url = api
        with pytest.raises(WikipediaError, match="lagged"):
            client.fetch_wikitext("Harrowgate Tide Mill")
        assert api.server.hits("/w/api.php") == 3
    assert len(waits) == 2


def test_missing_page_and_invalid_title_are_one_line_errors():
    with serve_mediawiki(PAGES) as api:
        client = _client(api)
        with pytest.raises(WikipediaError, match=r"^No such mill: no such page on en\."):
            client.fetch_wikitext("No such mill")
        with pytest.raises(WikipediaError, match="invalid characters"):
            client.fetch_wikitext("Bad [title]")


def test_redirects_are_followed_and_remembered():
    with serve_mediawiki(PAGES, redirects={"Tide Mill": "Harrowgate Tide Mill"}) as api:
        revision = _client(api).fetch_wikitext("Tide Mill")
    assert revision.title == "Harrowgate Tide Mill"
    assert revision.redirected_from == "Tide Mill"


def test_unreachable_api_is_a_one_line_error():
    with serve_mediawiki(PAGES) as api:
        pass  # the server is stopped: connections are refused
    with pytest.raises(WikipediaError, match="cannot reach"):
        _client(api).fetch_wikitext("Harrowgate Tide Mill")


def test_requests_are_spaced_by_the_minimum_interval():
    waits: list[float] = []
    with serve_mediawiki(PAGES) as api:
        client = MediaWikiClient(api_url=api, min_interval=30.0, sleep=waits.append)
        client.fetch_wikitext("Harrowgate Tide Mill")
        client.fetch_wikitext("Harrowgate Tide Mill")
    assert len(waits) == 1 and 29.0 < waits[0] <= 30.0
