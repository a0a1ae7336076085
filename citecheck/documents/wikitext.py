"""MediaWiki wikitext -> Document, with mwparserfromhell.

Ref definitions are collected from the whole page first (list-defined refs live in
`{{reflist|refs=...}}` at the end), then the body is walked: each <ref> becomes a
marker where it stands, markup becomes its visible text, and the text is cut into
sentences. Reference ids: named refs "ref-<slug of name>" (marker: the name),
unnamed ones "ref-<n>" in order of first appearance (marker: n).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import mwparserfromhell
from msgspec.structs import replace
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from citecheck.documents.assemble import assemble
from citecheck.documents.claims import MarkedText, build_claims, normalise_space, slugify
from citecheck.documents.wikitext_refs import (
    is_cite_template,
    reference_from_contents,
    template_name,
)
from citecheck.documents.wikitext_sfn import full_citation_key, short_citation
from citecheck.models import Document, Reference

KIND = "wikitext"

SKIPPED_SECTIONS = {
    "references", "notes", "citations", "footnotes", "sources", "external links",
    "see also", "further reading", "bibliography", "notes and references", "works cited",
}  # fmt: skip
_INLINE_TAGS = {
    "b", "i", "u", "s", "small", "big", "span", "sub", "sup", "em", "strong", "abbr", "q",
    "blockquote", "center", "div", "p", "font", "cite", "poem", "code", "var", "tt", "mark",
    "ins", "del", "bdi", "dfn", "kbd", "samp", "onlyinclude", "includeonly",
}  # fmt: skip
_BLOCK_MARKUP = {"*", "#", ";", ":", "----"}
_TEXT_TEMPLATES = {"nowrap", "nobr", "small", "smaller", "big", "nbsp", "sic", "lang", "transl"}
_LINK_PREFIXES = ("file:", "image:", "category:", "media:", ":category:")
_MAGIC_WORD = re.compile(r"__[A-Z]+__")
_REF_TOKEN = re.compile(r"<ref\b[^>]*?/>|<ref\b[^>]*>|</ref\s*>", re.I)


def _repair(text: str) -> tuple[str, list[str]]:
    """Close unclosed <ref> tags (and their unbalanced braces) at the end of their line."""
    problems: list[str] = []
    inserts: list[tuple[int, str]] = []
    open_at: int | None = None
    open_end = 0

    def close(limit: int) -> None:
        assert open_at is not None
        newline = text.find("\n", open_end, limit)
        at = newline if newline != -1 else limit
        body = text[open_end:at]
        braces = "}}" * max(body.count("{{") - body.count("}}"), 0)
        brackets = "]" * max(body.count("[") - body.count("]"), 0)
        inserts.append((at, brackets + braces + "</ref>"))
        line = text.count("\n", 0, open_at) + 1
        problems.append(f"unclosed <ref> on line {line}: closed at the end of that line")

    for token in _REF_TOKEN.finditer(text):
        value = token.group(0)
        if value.endswith("/>"):
            continue
        if value.startswith("</"):
            open_at = None
            continue
        if open_at is not None:
            close(token.start())
        open_at, open_end = token.start(), token.end()
    if open_at is not None:
        close(len(text))
    for at, insert in sorted(inserts, reverse=True):
        text = text[:at] + insert + text[at:]
    return text, problems


def _ref_name(tag: Tag) -> str | None:
    if tag.has("name"):
        name = normalise_space(str(tag.get("name").value)).strip("\"'")
        return name or None
    return None


@dataclass
class _Refs:
    """Ref definitions by name, and the references in order of first appearance."""

    text: str
    definitions: dict[str, Tag] = field(default_factory=dict)
    unnamed: list[Tag] = field(default_factory=list)  # in page order, wherever they stand
    full_citations: dict[tuple[str, str], Template] = field(default_factory=dict)
    by_key: dict[str, Reference] = field(default_factory=dict)  # name or "#<index>" -> ref
    used_ids: set[str] = field(default_factory=set)
    missing: dict[str, str] = field(default_factory=dict)  # undefined name -> its id
    problems: list[str] = field(default_factory=list)
    count: int = 0
    newlines: list[int] = field(init=False)  # offsets of "\n" in `text`, for _line_of

    def __post_init__(self) -> None:
        self.newlines = [match.start() for match in re.finditer("\n", self.text)]

    def _line_of(self, fragment: str) -> int | None:
        """Line of `fragment`'s first occurrence; the newlines are counted once, not per ref."""
        at = self.text.find(fragment)
        return bisect.bisect_left(self.newlines, at) + 1 if at != -1 else None

    def define_all(self, code: Wikicode) -> None:
        for tag in code.filter_tags(recursive=True, matches=_is_ref):
            name = _ref_name(tag)
            if tag.self_closing or not _has_contents(tag):
                continue
            if name is None:
                self.unnamed.append(tag)
                continue
            if name in self.definitions:
                if str(self.definitions[name].contents).strip() != str(tag.contents).strip():
                    self.problems.append(f"ref name={name} is defined twice; kept the first")
                continue
            self.definitions[name] = tag
        for template in code.filter_templates(recursive=True, matches=is_cite_template):
            key = full_citation_key(template)
            if key is not None:
                self.full_citations.setdefault(key, template)

    def use_short(self, template: Template) -> str | None:
        """The marker of an {{sfn}}: its full citation found by first surname and year."""
        short = short_citation(template)
        if short is None:
            return None
        if short.marker in self.by_key or short.marker in self.missing:
            return short.marker
        target = self.full_citations.get(short.key)
        ref_id = self._new_id(f"ref-{slugify(short.marker)}")
        if target is None:
            self.missing[short.marker] = ref_id
            self.problems.append(
                f"short citation {short.marker!r} has no matching full citation"
            )
            return short.marker
        self.count += 1
        raw = str(target)
        reference = reference_from_contents(
            ref_id, short.marker, raw, raw, self._line_of(raw)
        )
        if short.pages:
            reference = replace(reference, extra=(*reference.extra, ("pages", short.pages)))
        self.by_key[short.marker] = reference
        return short.marker

    def _new_id(self, base: str) -> str:
        ref_id, suffix = base, 2
        while ref_id in self.used_ids:
            ref_id, suffix = f"{base}-{suffix}", suffix + 1
        self.used_ids.add(ref_id)
        return ref_id

    def use(self, tag: Tag) -> str | None:
        """The marker for this ref where it stands, creating its Reference on first use."""
        name = _ref_name(tag)
        if name is None:
            if not _has_contents(tag):
                self.problems.append("an empty <ref> without a name was skipped")
                return None
            self.count += 1
            marker = str(self.count)
            self._add(f"#{id(tag)}", self._new_id(f"ref-{marker}"), marker, tag)
            return marker
        return self.use_name(name)

    def use_name(self, name: str) -> str:
        """A use by name: <ref name="x" />, a named definition in the body, or {{r|x}}."""
        if name in self.by_key:
            return name
        definition = self.definitions.get(name)
        if definition is None:
            if name not in self.missing:
                self.missing[name] = self._new_id(f"ref-{slugify(name)}")
                self.problems.append(f"ref name={name} used but never defined")
            return name
        self.count += 1
        self._add(name, self._new_id(f"ref-{slugify(name)}"), name, definition)
        return name

    def _add(self, key: str, ref_id: str, marker: str, tag: Tag) -> None:
        raw = str(tag)
        self.by_key[key] = reference_from_contents(
            ref_id, marker, tag.contents, raw, self._line_of(raw)
        )

    def finish(self) -> list[Reference]:
        """All references, including definitions no body text ever used (infobox refs...)."""
        for tag in self.unnamed:
            if f"#{id(tag)}" not in self.by_key:
                self.count += 1
                marker = str(self.count)
                self._add(f"#{id(tag)}", self._new_id(f"ref-{marker}"), marker, tag)
        for name, tag in self.definitions.items():
            if name not in self.by_key:
                self._add(name, self._new_id(f"ref-{slugify(name)}"), name, tag)
        return list(self.by_key.values())


def _is_ref(node: Tag) -> bool:
    return str(node.tag).strip().lower() == "ref"


def _has_contents(tag: Tag) -> bool:
    return tag.contents is not None and bool(str(tag.contents).strip())


@dataclass
class _Body:
    refs: _Refs
    marked: MarkedText = field(default_factory=MarkedText)
    subject: str | None = None
    title: str | None = None
    problems: list[str] = field(default_factory=list)

    def walk_top(self, code: Wikicode) -> None:
        next_line = 1  # counted node by node: recounting from the top is quadratic
        skipping_level: int | None = None
        for node in code.nodes:
            line = next_line
            next_line += str(node).count("\n")
            if isinstance(node, Heading):
                self.marked.paragraph_break()
                title = normalise_space(str(node.title.strip_code())).lower()
                if skipping_level is not None and node.level <= skipping_level:
                    skipping_level = None
                if skipping_level is None and title in SKIPPED_SECTIONS:
                    skipping_level = node.level
                continue
            if skipping_level is None:
                self.walk(node, line)

    def walk_all(self, nodes: list[Node]) -> None:
        for node in nodes:
            self.walk(node, None)

    def walk(self, node: Node, line: int | None) -> None:
        if isinstance(node, Text):
            self._text(str(node.value), line)
        elif isinstance(node, Tag):
            self._tag(node, line)
        elif isinstance(node, Template):
            self._template(node, line)
        elif isinstance(node, Wikilink):
            title = str(node.title).strip()
            if title.lower().startswith(_LINK_PREFIXES):
                return
            shown = node.text.strip_code() if node.text is not None else title.split("#")[0]
            self.marked.add_text(str(shown), line)
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                self.marked.add_text(str(node.title.strip_code()), line)
        elif isinstance(node, HTMLEntity):
            self.marked.add_text(node.normalize(), line)
        elif isinstance(node, Heading):
            self.marked.paragraph_break()
        elif isinstance(node, Comment):
            return
        # Arguments ({{{1}}}) and anything else carry no visible text.

    def _text(self, value: str, line: int | None) -> None:
        value = _MAGIC_WORD.sub("", value)
        if "{{" in value or "}}" in value:
            at = f" near line {line}" if line else ""
            self.problems.append(f"unbalanced template braces{at}: that text was dropped")
            value = re.sub(r"\{\{[^\n]*|[^\n]*\}\}", "", value)
        self.marked.add_text(value, line)

    def _tag(self, tag: Tag, line: int | None) -> None:
        name = str(tag.tag).strip().lower()
        markup = tag.wiki_markup
        if name == "ref":
            marker = self.refs.use(tag)
            if marker is not None:
                self.marked.add_marker(marker)
            return
        if markup in _BLOCK_MARKUP or name in ("li", "dt", "dd", "hr", "br"):
            self.marked.paragraph_break() if name != "br" else self.marked.add_text(" ", line)
            return
        if name == "nowiki" and tag.contents is not None:
            self.marked.add_text(str(tag.contents), line)
            return
        if name in _INLINE_TAGS and tag.contents is not None:
            if name == "b" and self.subject is None:
                self.subject = normalise_space(str(tag.contents.strip_code())) or None
            self.marked.add_text("", line)
            self.walk_all(tag.contents.nodes)
        # Tables, galleries, math, <references/> and the like: no claims there.

    def _template(self, template: Template, line: int | None) -> None:
        name = template_name(template)
        if name.startswith("displaytitle:"):
            self.title = normalise_space(str(template.name).split(":", 1)[1]) or None
        elif name == "r":  # {{r|name1|name2}}: reuses of named refs
            for param in template.params:
                if not param.showkey:
                    marker = self.refs.use_name(str(param.value).strip())
                    self.marked.add_marker(marker)
        elif (short_marker := self.refs.use_short(template)) is not None:
            self.marked.add_marker(short_marker)
        elif name in _TEXT_TEMPLATES or name.startswith("lang-"):
            positional = [p for p in template.params if not p.showkey]
            if positional:
                self.marked.add_text(str(positional[-1].value.strip_code()), line)
        elif name == "convert":
            values = [str(p.value.strip_code()).strip() for p in template.params if not p.showkey]
            self.marked.add_text(" ".join(values[:2]), line)
        # Infoboxes, navboxes, maintenance tags and other templates: not body text.


def parse(text: str, source: str) -> Document:
    repaired, problems = _repair(text)
    try:
        code = mwparserfromhell.parse(repaired)
    except Exception as error:  # the parser gives up only on pathological input
        return assemble(
            source=source, kind=KIND, references=(), claims=(),
            problems=[f"wikitext could not be parsed: {error}"],
        )  # fmt: skip
    refs = _Refs(text=repaired)
    refs.define_all(code)
    body = _Body(refs=refs)
    body.walk_top(code)
    references = refs.finish()
    claims = build_claims(body.marked)
    problems.extend(refs.problems)
    problems.extend(body.problems)
    if "<ref" in text.lower() and not references:
        problems.append("reference list has no entries")
    return assemble(
        source=source,
        kind=KIND,
        references=references,
        claims=claims,
        problems=problems,
        title=body.title,
        subject=body.subject or body.title,
        id_for_missing=refs.missing,
    )
