"""`citecheck links --recursive URL`: a site crawled from a local server on 127.0.0.1,
each page read once, every link checked once, nothing outside the scope read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from httpservers import Route, ServerURL, serve
from test_links_command import links

HTML = {"Content-Type": "text/html; charset=utf-8"}


def html(*hrefs: str) -> Route:
    anchors = " ".join(f"<a href='{href}'>{href}</a>" for href in hrefs)
    return Route(200, body=f"<html><body>{anchors}</body></html>".encode(), headers=HTML)


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes: dict[str, Any] = {
        "/docs": Route(301, headers={"Location": "/docs/"}),  # relative links: after it
        "/docs/": html("a.html", "sub/b.html", "/docs/c.pdf", "/outside.html", "missing.html",
                       "a.html#part", "skipped.html"),
        "/docs/a.html": html("index.html", "./", "deep.html"),
        "/docs/sub/b.html": html("../a.html", "gone.html"),
        "/docs/deep.html": html("deeper.html"),
        "/docs/deeper.html": html(),
        "/docs/skipped.html": html("never.html"),
        "/docs/c.pdf": Route(200, body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}),
        "/outside.html": html("/never.html"),
    }
    with serve(routes) as base:
        yield base


FAST = ("--allow-private", "--max-retries", "0", "--no-cache", "--format", "json")


def crawl(tmp_path: Path, site: ServerURL, *more: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, err = links(tmp_path, f"{site}/docs", "--recursive", *FAST,
                           "--exclude", "skipped", *more)
    assert "Traceback" not in err
    return code, json.loads(out)["links"]


def test_a_site_is_crawled_in_scope_each_page_read_once(tmp_path: Path, site: ServerURL) -> None:
    code, found = crawl(tmp_path, site)
    assert code == 1  # missing.html and sub/gone.html
    outcome = {(link["url"].removeprefix(site), link["origin"]["path"].removeprefix(site)):
               link["status"] for link in found}
    assert outcome[("/docs/missing.html", "/docs")] == "broken"
    assert outcome[("/docs/sub/gone.html", "/docs/sub/b.html")] == "broken"
    assert outcome[("/docs/deeper.html", "/docs/deep.html")] == "ok"  # three hops down
    assert outcome[("/docs/c.pdf", "/docs")] == "ok"
    assert outcome[("/outside.html", "/docs")] == "ok"
    assert outcome[("/docs/skipped.html", "/docs")] == "excluded"
    assert outcome[("/docs/", "/docs/a.html")] == "ok"  # answered by the input page's read
    # every page read once, and its link answered by that read, not asked again
    for page in ("/docs/a.html", "/docs/sub/b.html", "/docs/deep.html"):
        assert site.hits(page) == 1, page
    # the input page: read once (after /docs's redirect), which answers a.html's "./"
    assert site.hits("/docs") == 1 and site.hits("/docs/") == 1
    assert site.hits("/docs/c.pdf") == 1  # checked, not read for links
    assert site.hits("/docs/missing.html") == 1  # its failed read is its link's answer
    assert site.hits("/never.html") == 0  # outside the folder, or excluded: not crawled


def test_max_depth_and_max_pages_bound_the_crawl(tmp_path: Path, site: ServerURL) -> None:
    _, found = crawl(tmp_path, site, "--max-depth", "1")
    urls = {link["url"].removeprefix(site) for link in found}
    assert "/docs/deep.html" in urls  # linked from a page one hop down: checked
    assert "/docs/deeper.html" not in urls  # deep.html was not read
    assert site.hits("/docs/deeper.html") == 0
    _, found = crawl(tmp_path, site, "--max-pages", "2")
    pages = {link["origin"]["path"].removeprefix(site) for link in found}
    assert pages == {"/docs", "/docs/a.html"}


def test_dump_lists_the_links_of_every_crawled_page(tmp_path: Path, site: ServerURL) -> None:
    code, out, _ = links(tmp_path, f"{site}/docs", "--recursive", "--dump", "--allow-private")
    assert code == 0
    assert f"{site}/docs/deeper.html  {site}/docs/deep.html:1:22" in out.splitlines()
    assert site.hits("/outside.html") == 0 and site.hits("/docs/c.pdf") == 0  # listed only


def test_an_unreachable_input_page_is_an_input_error(tmp_path: Path, site: ServerURL) -> None:
    code, out, err = links(tmp_path, f"{site}/nowhere", "--recursive", *FAST)
    assert code == 2 and "cannot fetch" in err
    assert json.loads(out)["links"] == []


def test_a_sitemap_input_seeds_the_crawl(tmp_path: Path) -> None:
    where: dict[str, str] = {}

    def sitemap(request: object) -> Route:
        locs = "".join(f"<url><loc>{where['base']}/{name}</loc></url>"
                       for name in ("p1.html", "p2.html", "gone.html"))
        body = f"<?xml version='1.0'?><urlset xmlns='urn:x'>{locs}</urlset>"
        return Route(200, body=body.encode(), headers={"Content-Type": "application/xml"})

    routes = {"/sitemap.xml": sitemap, "/p1.html": html("p3.html"), "/p2.html": html(),
              "/p3.html": html()}
    with serve(routes) as base:
        where["base"] = base
        code, out, _ = links(tmp_path, f"{base}/sitemap.xml", "--recursive", *FAST)
        found = {(link["url"].removeprefix(base), link["origin"]["path"].removeprefix(base)):
                 link["status"] for link in json.loads(out)["links"]}
        hits = {page: base.hits(page) for page in ("/p1.html", "/p3.html")}
    assert code == 1
    assert found == {
        ("/p1.html", "/sitemap.xml"): "ok", ("/p2.html", "/sitemap.xml"): "ok",
        ("/gone.html", "/sitemap.xml"): "broken", ("/p3.html", "/p1.html"): "ok",
    }
    assert hits == {"/p1.html": 1, "/p3.html": 1}  # each page read once, its link answered


def test_fragments_on_crawled_pages_are_checked_from_the_one_read(tmp_path: Path) -> None:
    routes: dict[str, Any] = {
        "/d/": html("a.html#top", "a.html#nope", "b.html"),
        "/d/a.html": Route(200, body=b"<h1 id='top'>A</h1>", headers=HTML),
        "/d/b.html": html("a.html#top"),
    }
    with serve(routes) as base:
        code, out, _ = links(tmp_path, f"{base}/d/", "--recursive", *FAST,
                             "--include-fragments")
        found = {(link["url"].removeprefix(base), link["origin"]["path"].removeprefix(base)):
                 (link["status"], link["error"]) for link in json.loads(out)["links"]}
        hits = {page: base.hits(page) for page in ("/d/", "/d/a.html", "/d/b.html")}
    assert code == 1
    assert found[("/d/a.html#top", "/d/")] == ("ok", None)
    assert found[("/d/a.html#nope", "/d/")] == ("broken", "fragment #nope not found")
    assert found[("/d/a.html#top", "/d/b.html")] == ("ok", None)
    assert hits == {"/d/": 1, "/d/a.html": 1, "/d/b.html": 1}


def test_a_page_redirected_out_of_scope_is_checked_not_read(tmp_path: Path) -> None:
    routes: dict[str, Any] = {
        "/d/": html("login", "./"),
        "/d/login": Route(302, headers={"Location": "/other/portal"}),
        "/other/portal": html("/other/1"),
    }
    with serve(routes) as base:
        code, out, _ = links(tmp_path, f"{base}/d/", "--recursive", *FAST)
        found = {link["url"].removeprefix(base): link["status"]
                 for link in json.loads(out)["links"]}
        start_hits = base.hits("/d/")
    assert code == 0
    assert found == {"/d/login": "redirected", "/d/": "ok"}  # nothing of /other/portal's
    assert start_hits == 1  # the input page's read answers the link back to it


def test_remapped_or_excluded_pages_are_not_read(tmp_path: Path) -> None:
    routes: dict[str, Any] = {
        "/d/": html("old.html", "secret.html"),
        "/d/old.html": html("fromold.html"),
        "/d/new.html": html(),
        "/d/secret.html": html("fromsecret.html"),
    }
    with serve(routes) as base:
        code, out, _ = links(tmp_path, f"{base}/d/", "--recursive", *FAST,
                             "--remap", r"old\.html new.html", "--exclude", "secret")
        found = {link["url"].removeprefix(base): link["status"]
                 for link in json.loads(out)["links"]}
        hits = {page: base.hits(page) for page in ("/d/old.html", "/d/secret.html")}
    assert found == {"/d/new.html": "ok", "/d/secret.html": "excluded"}
    assert code == 0 and hits == {"/d/old.html": 0, "/d/secret.html": 0}


def test_a_sitemap_index_is_followed_to_its_sitemaps_even_gzipped(tmp_path: Path) -> None:
    import gzip

    where: dict[str, str] = {}

    def xml(body: str, gzipped: bool = False) -> Any:
        def route(request: object) -> Route:
            text = body.replace("{base}", where["base"]).encode()
            if gzipped:
                return Route(200, body=gzip.compress(text),
                             headers={"Content-Type": "application/gzip"})
            return Route(200, body=text, headers={"Content-Type": "application/xml"})
        return route

    prolog = ("<?xml version='1.0'?><?xml-stylesheet type='text/xsl' href='s.xsl'?>"
              "<!DOCTYPE urlset>")
    routes: dict[str, Any] = {
        "/index.xml": xml(f"{prolog}<sitemapindex xmlns='urn:x'><sitemap><loc>{{base}}/pages"
                          ".xml.gz</loc></sitemap></sitemapindex>"),
        "/pages.xml.gz": xml(f"{prolog}<urlset xmlns='urn:x'><url><loc>{{base}}/gone</loc>"
                             "</url></urlset>", gzipped=True),
    }
    with serve(routes) as base:
        where["base"] = base
        code, out, _ = links(tmp_path, f"{base}/index.xml", "--recursive", *FAST)
        found = {link["url"].removeprefix(base): link["status"]
                 for link in json.loads(out)["links"]}
    assert found == {"/pages.xml.gz": "ok", "/gone": "broken"}
    assert code == 1


def test_a_level_is_fetched_a_window_ahead_of_its_reading() -> None:
    import threading
    import time as clock
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    from citecheck.links.collect import Page
    from citecheck.links.crawl import _fetched_in_order

    started: list[str] = []
    lock = threading.Lock()

    def fetch(url: str) -> Page:
        with lock:
            started.append(url)
        return Page(url, b"")

    urls = [f"https://docs.example/{i}" for i in range(40)]
    todo = deque((url, 1) for url in urls[:20])
    read = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for url, depth, page in _fetched_in_order(pool, fetch, todo, window=8):
            assert page is not None and url == urls[read]  # in order
            assert depth == (1 if read < 20 else 2)
            read += 1
            if read == 20:  # the last page of the first level names the next twenty
                todo.extend((more, 2) for more in urls[20:])
            clock.sleep(0.002)
            with lock:
                assert len(started) - read <= 8  # never more than the window ahead
    assert read == 40


def test_fragments_of_a_crawled_markdown_page_are_checked(tmp_path: Path) -> None:
    routes: dict[str, Any] = {
        "/d/": html("notes.md#intro", "notes.md#missing"),
        "/d/notes.md": Route(200, body=b"# Intro\n\nText.\n",
                             headers={"Content-Type": "text/markdown"}),
    }
    with serve(routes) as base:
        code, out, _ = links(tmp_path, f"{base}/d/#top", "--recursive", *FAST,
                             "--include-fragments")
        found = {link["url"].removeprefix(base): link["status"]
                 for link in json.loads(out)["links"]}
        hits = {page: base.hits(page) for page in ("/d/", "/d/notes.md")}
    assert found == {"/d/notes.md#intro": "ok", "/d/notes.md#missing": "broken"}
    assert code == 1 and hits == {"/d/": 1, "/d/notes.md": 1}


def test_images_of_a_sitemap_are_checked_not_crawled(tmp_path: Path) -> None:
    where: dict[str, str] = {}

    def sitemap(request: object) -> Route:
        base = where["base"]
        images = "".join(f"<image:image><image:loc>{base}/img/{i}</image:loc></image:image>"
                         for i in range(3))
        body = (f"<urlset xmlns='urn:x' xmlns:image='urn:i'><url><loc>{base}/p.html</loc>"
                f"{images}</url></urlset>")
        return Route(200, body=body.encode(), headers={"Content-Type": "application/xml"})

    routes: dict[str, Any] = {"/sitemap.xml": sitemap, "/p.html": html("gone"),
                              "/img/0": Route(200), "/img/1": Route(200), "/img/2": Route(200)}
    with serve(routes) as base:
        where["base"] = base
        code, out, _ = links(tmp_path, f"{base}/sitemap.xml", "--recursive", *FAST,
                             "--max-pages", "2")
        found = {link["url"].removeprefix(base): link["status"]
                 for link in json.loads(out)["links"]}
    assert found["/gone"] == "broken"  # p.html was read: the images took no page
    assert [found[f"/img/{i}"] for i in range(3)] == ["ok", "ok", "ok"]
    assert code == 1


def test_a_redirect_into_an_excluded_page_is_not_read(tmp_path: Path) -> None:
    routes: dict[str, Any] = {
        "/d/": html("go", "moved"),
        "/d/go": Route(302, headers={"Location": "/d/private/index.html"}),
        "/d/private/index.html": html("secret.html"),
        "/d/moved": Route(301, headers={"Location": "/d/new.html"}),
        "/d/new.html": html("./", "new.html"),
    }
    with serve(routes) as base:
        code, out, _ = links(tmp_path, f"{base}/d/", "--recursive", *FAST,
                             "--exclude", "private")
        found = {(link["url"].removeprefix(base), link["origin"]["path"].removeprefix(base)):
                 link["status"] for link in json.loads(out)["links"]}
        hits = {page: base.hits(page) for page in ("/d/private/index.html", "/d/new.html")}
    assert ("/d/private/secret.html", "/d/go") not in found  # the page behind it: not read
    assert found[("/d/go", "/d/")] == "redirected"
    # a page reached through a redirect answers the links to it as well
    assert found[("/d/new.html", "/d/moved")] == "ok"
    assert hits == {"/d/private/index.html": 1, "/d/new.html": 1}
    assert code == 0
