"""Live Wikipedia articles: a title or URL -> its current wikitext and revision.

Through the MediaWiki Action API of the article's own wiki (`https://HOST/w/api.php`,
or `api_url` to point elsewhere, e.g. a fake API in tests), as Wikimedia's API
etiquette asks: a descriptive User-Agent with contact information, one request at a
time with a pause between them, and `maxlag=5` so that a lagged database answers
"come back later" (honoured, bounded) instead of being loaded further.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import requests

from citecheck.errors import InputError
from citecheck.fetch.retries import retry_wait

DEFAULT_USER_AGENT = (
    "citecheck/0.1 (https://example.org/citecheck; citecheck@example.org) "
    f"python-requests/{requests.__version__}"
)
_LANGUAGE = re.compile(r"^[a-z][a-z0-9-]{1,20}$")
_WIKIPEDIA_HOST = re.compile(r"^(?P<lang>[a-z][a-z0-9-]*)(?:\.m)?\.wikipedia\.org$")
_WIKI_PREFIX = re.compile(r"^wiki:(?P<lang>[a-z][a-z0-9-]*):(?P<title>.+)$", re.I)
_RETRY_STATUSES = frozenset({429, 503})


class WikipediaError(InputError):
    """One article that could not be had (missing, invalid title, API failure)."""


@dataclass(frozen=True)
class ArticleName:
    host: str  # en.wikipedia.org
    title: str  # as given, spaces not underscores


@dataclass(frozen=True)
class WikiRevision:
    title: str  # the page's title after normalisation and redirects
    revision_id: int
    timestamp: str  # ISO 8601 UTC, as the API gives it
    wikitext: str
    page_url: str
    permalink: str  # https://HOST/w/index.php?title=T&oldid=REV
    redirected_from: str | None = None


def is_article_input(text: str) -> bool:
    """A Wikipedia article URL or `wiki:LANG:Title` (rather than a file path)."""
    if _WIKI_PREFIX.match(text):
        return True
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(_WIKIPEDIA_HOST.match(parts.hostname or ""))


def parse_article(text: str, *, lang: str = "en", any_host: bool = False) -> ArticleName:
    """`https://de.wikipedia.org/wiki/Titel`, `wiki:de:Titel` or a bare title (in `lang`).

    `any_host` accepts article URLs of any MediaWiki site (when the API URL is given).
    """
    text = text.strip()
    if match := _WIKI_PREFIX.match(text):
        lang, text = match["lang"].lower(), match["title"]
    elif text.startswith(("http://", "https://")):
        return _from_url(text, any_host)
    if not _LANGUAGE.match(lang):
        raise WikipediaError(f"{lang!r} is not a Wikipedia language code (en, de, fr, …)")
    title = text.replace("_", " ").strip()
    if not title:
        raise WikipediaError("an empty article title")
    return ArticleName(f"{lang}.wikipedia.org", title)


def _from_url(url: str, any_host: bool) -> ArticleName:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if match := _WIKIPEDIA_HOST.match(host):
        host = f"{match['lang']}.wikipedia.org"  # the mobile site's pages are the same pages
    elif not any_host:
        raise WikipediaError(f"{url}: not a Wikipedia article URL")
    title = ""
    if parts.path.startswith("/wiki/"):
        title = unquote(parts.path[len("/wiki/") :])
    elif parts.path.endswith("/index.php"):
        title = parse_qs(parts.query).get("title", [""])[0]
    title = title.replace("_", " ").strip()
    if not title:
        raise WikipediaError(f"{url}: no article title in this URL")
    return ArticleName(host if not parts.port else f"{host}:{parts.port}", title)


def page_url(host: str, title: str) -> str:
    return f"https://{host}/wiki/{quote(title.replace(' ', '_'), safe='/:()!,')}"


def permalink(host: str, title: str, revision_id: int) -> str:
    return (
        f"https://{host}/w/index.php?title={quote(title.replace(' ', '_'), safe='/:()!,')}"
        f"&oldid={revision_id}"
    )


def _retry_after(response: requests.Response, default: float) -> float:
    wait = retry_wait(response.headers.get("Retry-After"), default)
    return default if wait is None else wait


class MediaWikiClient:
    """Serial, rate-limited Action API requests (one client per run shares the budget)."""

    def __init__(
        self,
        *,
        api_url: str | None = None,
        session: requests.Session | None = None,
        user_agent: str | None = None,
        min_interval: float = 1.0,
        max_retries: int = 3,
        max_wait: float = 60.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url
        self.session = session or requests.Session()
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.min_interval = min_interval
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep
        self._last_request: float | None = None

    def fetch_wikitext(self, title_or_url: str, *, lang: str = "en") -> WikiRevision:
        """The current revision of one article; WikipediaError (one line) says why not."""
        name = parse_article(title_or_url, lang=lang, any_host=self.api_url is not None)
        api = self.api_url or f"https://{name.host}/w/api.php"
        params = {
            "action": "query", "prop": "revisions", "rvprop": "content|ids|timestamp",
            "rvslots": "main", "titles": name.title, "redirects": "1", "format": "json",
            "formatversion": "2", "maxlag": "5",
        }  # fmt: skip
        data = self._get_json(api, params, name.title)
        return _revision(data, name)

    def _get_json(self, api: str, params: dict[str, str], title: str) -> dict[str, Any]:
        for attempt in range(self.max_retries + 1):
            response = self._request(api, params, title)
            last = attempt == self.max_retries
            if response.status_code in _RETRY_STATUSES and not last:
                self._wait(_retry_after(response, 5.0))
                continue
            if response.status_code != 200:
                status = response.status_code
                raise WikipediaError(f"{title}: the API at {api} answered HTTP {status}")
            try:
                data = response.json()
            except ValueError:
                raise WikipediaError(f"{title}: the API at {api} did not answer JSON") from None
            error = data.get("error") if isinstance(data, dict) else None
            if isinstance(error, dict) and error.get("code") == "maxlag":
                if last:
                    raise WikipediaError(
                        f"{title}: the wiki's database is lagged (maxlag); try again later"
                    )
                lag = float(error.get("lag") or 5.0)
                self._wait(_retry_after(response, lag))
                continue
            if isinstance(error, dict):
                info = error.get("info") or error.get("code") or "unknown error"
                raise WikipediaError(f"{title}: the API refused: {info}")
            if not isinstance(data, dict):
                raise WikipediaError(f"{title}: the API answered something unexpected")
            return data
        raise WikipediaError(f"{title}: no answer after {self.max_retries + 1} tries")

    def _wait(self, seconds: float) -> None:
        self.sleep(min(max(seconds, 0.0), self.max_wait))

    def _request(self, api: str, params: dict[str, str], title: str) -> requests.Response:
        if self._last_request is not None:
            pause = self._last_request + self.min_interval - time.monotonic()
            if pause > 0:
                self.sleep(pause)
        try:
            return self.session.get(
                api,
                params=params,
                headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            reason = type(error).__name__
            raise WikipediaError(f"{title}: cannot reach {api} ({reason})") from None
        finally:
            self._last_request = time.monotonic()


def _revision(data: dict[str, Any], name: ArticleName) -> WikiRevision:
    query = data.get("query") or {}
    pages = query.get("pages") or []
    if not pages:
        raise WikipediaError(f"{name.title}: the API returned no page")
    page = pages[0]
    title = str(page.get("title") or name.title)
    if page.get("invalid"):
        reason = page.get("invalidreason") or "invalid title"
        raise WikipediaError(f"{name.title}: {reason}")
    if page.get("missing"):
        raise WikipediaError(f"{title}: no such page on {name.host}")
    revisions = page.get("revisions") or []
    if not revisions:
        raise WikipediaError(f"{title}: the page has no readable revision")
    revision = revisions[0]
    slot = (revision.get("slots") or {}).get("main") or {}
    content = slot.get("content", revision.get("content"))
    if not isinstance(content, str):
        raise WikipediaError(f"{title}: revision {revision.get('revid')} has no wikitext")
    if slot.get("contentmodel", "wikitext") != "wikitext":
        raise WikipediaError(f"{title}: content model {slot['contentmodel']!r}, not wikitext")
    revision_id = int(revision.get("revid", 0))
    redirects = query.get("redirects") or []
    return WikiRevision(
        title=title,
        revision_id=revision_id,
        timestamp=str(revision.get("timestamp", "")),
        wikitext=content,
        page_url=page_url(name.host, title),
        permalink=permalink(name.host, title, revision_id),
        redirected_from=str(redirects[0].get("from")) if redirects else None,
    )


def fetch_wikitext(
    title_or_url: str,
    *,
    lang: str = "en",
    api_url: str | None = None,
    session: requests.Session | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> WikiRevision:
    """One article's current wikitext, revision id and timestamp (see MediaWikiClient)."""
    client = MediaWikiClient(api_url=api_url, session=session, user_agent=user_agent)
    return client.fetch_wikitext(title_or_url, lang=lang)
