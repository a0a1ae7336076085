"""Evidence retrieval: BM25 (bm25s) over a source's sentences and windows of two.

A source is indexed once and serves every claim that cites it (the index is cached by
its sentence tuple). Tokens are the same stemmed content keys the scorer compares, so
what BM25 ranks high is what the coverage features can count.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np

from citecheck.verify.terms import sentence_tokens

MAX_SCORED_SENTENCES = 20_000  # about 300 printed pages; bounds time and memory per source
TOP_PASSAGES = 8

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build


@dataclass(frozen=True)
class SourceIndex:
    sentences: tuple[str, ...]  # the scored sentences (at most MAX_SCORED_SENTENCES)
    keys: tuple[frozenset[str], ...]  # content keys per scored sentence
    all_keys: frozenset[str]
    truncated: bool  # the source had more sentences than are scored
    bm25: bm25s.BM25 | None  # None when no sentence has a content word
    spans: tuple[tuple[int, int], ...]  # BM25 document -> (first, last) sentence


@dataclass(frozen=True)
class Passage:
    first: int
    last: int
    bm25: float


@lru_cache(maxsize=16)
def index_source(sentences: tuple[str, ...]) -> SourceIndex:
    """Tokenise and BM25-index a source's sentences and each pair of neighbours."""
    scored = sentences[:MAX_SCORED_SENTENCES]
    tokens = [sentence_tokens(sentence) for sentence in scored]
    keys = tuple(frozenset(t) for t in tokens)
    spans = [(i, i) for i in range(len(scored))]
    spans += [(i, i + 1) for i in range(len(scored) - 1)]
    corpus = tokens + [tokens[i] + tokens[i + 1] for i in range(len(scored) - 1)]
    retriever: bm25s.BM25 | None = None
    if any(corpus):
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
    return SourceIndex(
        sentences=scored,
        keys=keys,
        all_keys=frozenset().union(*keys) if keys else frozenset(),
        truncated=len(sentences) > MAX_SCORED_SENTENCES,
        bm25=retriever,
        spans=tuple(spans),
    )


def retrieve(index: SourceIndex, query: list[str], top: int = TOP_PASSAGES) -> list[Passage]:
    """The best BM25 passages (sentences or pairs) for the query keys, best first."""
    if index.bm25 is None or not query:
        return []
    scores = np.asarray(index.bm25.get_scores(query), dtype=float)
    count = min(top, len(scores))
    best = np.argpartition(-scores, count - 1)[:count]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [
        Passage(*index.spans[int(i)], bm25=float(scores[i])) for i in best if scores[i] > 0
    ]
