"""Wikitext fixes through mwparserfromhell: archive parameters on the matching {{cite …}}.

Only the parameters of the matching templates change; the parser round-trips every other
byte. A new parameter copies the spacing the template already uses (`|name=value`,
` |name=value`, one per line, ...), which mwparserfromhell's own guess gets wrong.
A link outside any cite template (`[http://… title]`) gets `{{Webarchive |url=… |date=…}}`
after it, as InternetArchiveBot does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import mwparserfromhell
from mwparserfromhell.nodes import ExternalLink, Template
from mwparserfromhell.nodes.extras import Parameter

from citecheck.documents.wikitext_refs import is_cite_template
from citecheck.fixes.model import DEAD_URL_STATUSES, MARK_DEAD_ONLY, WIKITEXT_PARAMS, Fix

ARCHIVE_URL_NAMES = ("archive-url", "archiveurl", "archive_url")
ARCHIVE_DATE_NAMES = ("archive-date", "archivedate", "archive_date")
URL_STATUS_NAMES = ("url-status", "deadurl", "dead-url")


def apply_wikitext_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, set[Fix]]:
    """The fixed text and the fixes that found a citation to change."""
    wanted = {fix.original_url.strip(): fix for fix in fixes if fix.kind == WIKITEXT_PARAMS}
    code = mwparserfromhell.parse(text)
    applied: set[Fix] = set()
    for template in code.filter_templates(recursive=True):
        if not is_cite_template(template):
            continue
        url_param = _find(template, ("url",))
        if url_param is None:
            continue
        fix = wanted.get(str(url_param.value).strip())
        if fix is None:
            continue
        if fix.text != MARK_DEAD_ONLY:
            _set(template, ARCHIVE_URL_NAMES, fix.archive_url)
            if fix.archive_date:
                _set(template, ARCHIVE_DATE_NAMES, fix.archive_date)
        status = _find(template, URL_STATUS_NAMES)
        if status is None or str(status.value).strip().lower() not in DEAD_URL_STATUSES:
            _set(template, URL_STATUS_NAMES, "dead")
        applied.add(fix)
    for link in code.filter_external_links(recursive=True):
        fix = wanted.get(str(link.url).strip())
        if fix is None or fix.text == MARK_DEAD_ONLY or _inside_template(code, link):
            continue
        if _followed_by_webarchive(code, link):
            applied.add(fix)  # fixed already (by an earlier run)
            continue
        date = f" |date={fix.archive_date}" if fix.archive_date else ""
        code.insert_after(link, f" {{{{Webarchive |url={fix.archive_url}{date}}}}}")
        applied.add(fix)
    return str(code), applied


def _inside_template(code: mwparserfromhell.wikicode.Wikicode, link: ExternalLink) -> bool:
    return any(isinstance(node, Template) for node in code.get_ancestors(link))


def _followed_by_webarchive(code: mwparserfromhell.wikicode.Wikicode, link: ExternalLink) -> bool:
    ancestors = code.get_ancestors(link)
    contents = getattr(ancestors[-1], "contents", None) if ancestors else code
    if not isinstance(contents, mwparserfromhell.wikicode.Wikicode):
        return False
    following = contents.nodes[contents.index(link) + 1 :][:2]  # a space, then the template
    return any(
        isinstance(node, Template) and str(node.name).strip().lower() == "webarchive"
        for node in following
    )


def _key(param: Parameter) -> str:
    return str(param.name).strip().lower()


def _find(template: Template, names: Sequence[str]) -> Parameter | None:
    for param in template.params:
        if param.showkey and _key(param) in names:
            return param
    return None


def _set(template: Template, names: Sequence[str], value: str) -> None:
    """Set the first of `names` present to `value` keeping its spacing, else add names[0]."""
    existing = _find(template, names)
    if existing is not None:
        old = str(existing.value)
        if old.strip() == value:
            return
        lead = old[: len(old) - len(old.lstrip())]
        trail = old[len(old.rstrip()) :]
        existing.value = f"{lead}{value}{trail}"
        return
    _append(template, names[0], value)


def _spacing(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def _aligned(named: list[Parameter], lead: str, name: str, trail: str) -> str:
    """`lead name trail`, padded to the column the "=" signs line up at, if they do."""
    trails = {_spacing(str(p.name))[1] for p in named}
    widths = Counter(len(str(p.name)) for p in named)
    width, count = widths.most_common(1)[0]
    if len(trails) > 1 and count >= 2 and all(" " in t or not t for t in trails):
        return (lead + name).ljust(width - 1) + " "
    return f"{lead}{name}{trail}"


def _append(template: Template, name: str, value: str) -> None:
    named = [param for param in template.params if param.showkey]
    if not named:
        template.add(name, value)
        return
    name_lead = Counter(_spacing(str(p.name))[0] for p in named).most_common(1)[0][0]
    name_trail = Counter(_spacing(str(p.name))[1] for p in named).most_common(1)[0][0]
    value_lead = Counter(_spacing(str(p.value))[0] for p in named).most_common(1)[0][0]
    # What separates a value from the next "|": seen on every parameter but the last, or
    # on the template name when there is only one parameter.
    separators = [_spacing(str(p.value))[1] for p in template.params[:-1]]
    separator = (
        Counter(separators).most_common(1)[0][0] if separators else _spacing(str(template.name))[1]
    )
    last = template.params[-1]
    last_value = str(last.value)
    closing = _spacing(last_value)[1]  # what stood before "}}"
    last.value = last_value[: len(last_value) - len(closing)] + separator
    added = template.add(name, value, preserve_spacing=False)
    added.name = _aligned(named, name_lead, name, name_trail)
    added.value = f"{value_lead}{value}{closing}"
