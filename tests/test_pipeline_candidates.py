"""Pages a reference without a URL may be matched to: the replay WARC's pages."""

from __future__ import annotations

from pathlib import Path

from citecheck.network import Network, RunOptions
from citecheck.pipeline import candidate_sources
from citecheck.replay import write_warc

HTML = [("Content-Type", "text/html; charset=utf-8")]
PAGE = (
    b"<!doctype html><html><head><title>Three wins for Oakhurst</title></head><body>"
    b"<article><h1>Three wins for Oakhurst</h1><p>Maren Oakhurst won the Dunmere Regatta "
    b"three times between 1984 and 1989, the club said on Saturday.</p></article></body></html>"
)


def test_the_replay_warcs_pages_are_candidates_from_the_records_already_read(
    tmp_path: Path,
) -> None:
    warc = tmp_path / "replay.warc.gz"
    write_warc(warc, [
        ("https://courier.example/oakhurst", 200, HTML, PAGE),
        ("https://courier.example/gone", 404, HTML, b"<title>Not Found</title>"),
        ("https://courier.example/logo.png", 200, [("Content-Type", "image/png")], b"\x89PNG"),
    ])
    options = RunOptions(db=tmp_path / "c.db", replay=warc, archive=False)
    network = Network(options)
    try:
        warc.unlink()  # the network has read the WARC: the candidates come from its records
        found = candidate_sources(options, network)
    finally:
        network.close()
    assert [url for url, _ in found] == ["https://courier.example/oakhurst"]
    assert found[0][1].title == "Three wins for Oakhurst"
    assert any("Dunmere Regatta" in sentence for sentence in found[0][1].sentences)
