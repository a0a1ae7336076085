"""Build references/kestrel-point-sources.warc.gz: the fictional pages the bundled
example article cites, as live answers and Wayback captures, so that
`citecheck check references/kestrel-point-lighthouse.wiki --replay …` runs offline.

Everything here is invented and lives on reserved domains (*.example).
Run: python references/build_example.py
"""

from __future__ import annotations

from pathlib import Path

from citecheck.replay import write_warc

HERE = Path(__file__).parent
WAYBACK = "https://web.archive.org/web"


def page(title: str, article: str, sidebar: str = "", published: str = "") -> bytes:
    """An HTML page with the chrome real pages have: nav, sidebar widgets, footer."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>
<body>
<nav class="site-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<main><article><h1>{title}</h1>
{article}
</article></main>
<aside class="sidebar widget popular-posts"><h2>Popular posts</h2>{sidebar}</aside>
<footer class="site-footer">Copyright the publisher. All rights reserved. Contact us.</footer>
</body></html>""".encode()


HTML = [("Content-Type", "text/html; charset=utf-8")]

HISTORY = page(
    "Kestrel Point at 130: a short history of the island light",
    """<p>Kestrel Point Lighthouse, the 34-metre tower on the northern cape of Varrow Island,
was completed in 1887 after four years of work on the exposed headland.</p>
<p>Its first-order Fresnel lens was made in Paris in 1886 and is still in place in the
lantern room today, turning on a bath of mercury as it did in the nineteenth century.</p>
<p>Generations of island families served as keepers until the station was automated.</p>""",
    sidebar="<ul><li>Ferry company announces new winter routes</li>"
    "<li>Engineer Amelia Strand remembered at harbour ceremony</li></ul>",
    published="2017-06-14",
)

STRAND_2021 = page(
    "Amelia Strand (1841–1910), harbour engineer",
    """<p>Amelia Strand (1841–1910) was a harbour engineer from Ellery.</p>
<p>She designed the lighthouse at Kestrel Point on Varrow Island, and she also built the
breakwater at Port Ellery, which still shelters the fishing fleet.</p>""",
)

STRAND_2023 = page(
    "Page moved",
    "<p>This register entry has moved. Please use the search box to find it.</p>",
)

KEEPERS = page(
    "Keepers of Kestrel Point",
    """<p>The light at Kestrel Point was automated in 1958, ending seventy years of resident
keepers on the cape.</p>
<p>Tomas Reyne, the last keeper, left the station in 1959 and settled in Port Ellery.</p>""",
    sidebar="<ul><li>The light was automated in 1962 at Kestrel Point, say some guides</li></ul>",
)

KEEPERS_2023 = page(
    "Keepers of Kestrel Point",
    """<p>The light at Kestrel Point was automated in 1962, ending seventy-five years of
resident keepers on the cape.</p>
<p>Tomas Reyne, the last keeper, left the station a year later, in 1963, and settled in
Port Ellery.</p>""",
)

GRANT = page(
    "Council backs Kestrel Point restoration",
    """<p>Island councillors voted on Tuesday to restore the tower at Kestrel Point with a
grant of 1.2 million euros from the heritage fund.</p>
<p>Work on the lantern and the keepers' cottages is expected to take several years.</p>""",
    sidebar="<h3>Popular posts from this blog</h3><ul><li>Ten best beaches on Varrow</li>"
    "<li>Recipe: smoked mackerel pâté</li></ul>",
    published="2019-05-09",
)

REOPENS = page(
    "Kestrel Point Lighthouse reopens",
    """<p>The restoration of Kestrel Point Lighthouse was completed this spring, and the
lighthouse reopened to visitors on 18 May 2024.</p>
<p>Guided tours of the lantern room run daily from May to September.</p>""",
    published="2024-05-18",
)

NOT_FOUND = b"<!doctype html><html><head><title>404 Not Found</title></head>" \
    b"<body><h1>Not Found</h1></body></html>"

PAGES: list[tuple[str, int, list[tuple[str, str]], bytes]] = [
    ("https://news.example/2017/kestrel-point-history", 200, HTML, HISTORY),
    ("https://heritage.example/people/amelia-strand", 404, HTML, NOT_FOUND),
    (f"{WAYBACK}/20210412093000id_/https://heritage.example/people/amelia-strand", 200,
     [*HTML, ("Memento-Datetime", "Mon, 12 Apr 2021 09:30:00 GMT")], STRAND_2021),
    (f"{WAYBACK}/20230105120000id_/https://heritage.example/people/amelia-strand", 200,
     [*HTML, ("Memento-Datetime", "Thu, 05 Jan 2023 12:00:00 GMT")], STRAND_2023),
    ("https://keepers.example/stations/kestrel-point", 200, HTML, KEEPERS),
    # What the page said when it was cited; it has been edited since (content drift).
    (f"{WAYBACK}/20230918101500id_/https://keepers.example/stations/kestrel-point", 200,
     [*HTML, ("Memento-Datetime", "Mon, 18 Sep 2023 10:15:00 GMT")], KEEPERS_2023),
    ("https://blog.example/2019/05/council-backs-kestrel-point-restoration.html", 200, HTML, GRANT),
    ("https://www.varrow.example/news/kestrel-point-reopens", 301,
     [("Location", "https://www.varrow.example/news/2024/kestrel-point-reopens"),
      ("Content-Length", "0")], b""),
    ("https://www.varrow.example/news/2024/kestrel-point-reopens", 200, HTML, REOPENS),
    ("https://ferries.example/timetable/summer", 404, HTML, NOT_FOUND),
]


def main() -> None:
    target = HERE / "kestrel-point-sources.warc.gz"
    write_warc(target, PAGES)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
