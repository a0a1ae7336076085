"""Fictional link-checking targets for benchmarks: one aiohttp server per loopback
address (127.0.0.1 ... 127.0.0.N count as N hosts), latency injected with
asyncio.sleep, and a fixed mix of answers per path.

Run as a process of its own, so the server does not share the checker's GIL:

    python benchmarks/loopback_sites.py --hosts 50 --latency 50-150 --ports-file ports.json

writes {"127.0.0.1": port, ...} to ports.json once every host listens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
from pathlib import Path

from aiohttp import web

PAGE = b"<html><head><title>A fine page</title></head><body><p>%s</p></body></html>"
SOFT_404 = b"<html><head><title>Page not found</title></head><body>Sorry.</body></html>"
HTML = "text/html; charset=utf-8"

# path kind -> share of links; the expected outcome per kind is in EXPECTED
MIX = (("ok", 60), ("missing", 15), ("moved", 10), ("busy", 5), ("soft", 10))
EXPECTED = {  # kind -> (citecheck status, lychee outcome)
    "ok": ("ok", "ok"),
    "missing": ("broken", "404"),
    "moved": ("redirected", "ok"),  # lychee follows redirects and reports the final 200
    "busy": ("ok", "ok"),  # 429 + Retry-After: 1 the first time, then 200
    "soft": ("soft_404", "ok"),  # lychee cannot tell a soft 404 from a page
}


def kind_of(index: int) -> str:
    """The answer kind of link number `index` (deterministic, spread over the mix:
    any 100 consecutive numbers get exactly the shares of MIX, since 7919 and 100
    are coprime)."""
    slot = (index * 7919) % 100
    for kind, share in MIX:
        if slot < share:
            return kind
        slot -= share
    raise AssertionError("MIX must add up to 100")


def make_app(latency: tuple[float, float]) -> web.Application:
    seen_busy: set[str] = set()

    async def handle(request: web.Request) -> web.Response:
        low, high = latency
        if high > 0:
            await asyncio.sleep(random.uniform(low, high))
        kind = request.match_info["kind"]
        name = request.match_info["name"]
        if kind == "ok":
            return web.Response(body=PAGE % name.encode(), content_type="text/html")
        if kind == "missing":
            return web.Response(status=404, text="not found")
        if kind == "moved":
            raise web.HTTPMovedPermanently(location=f"/ok/{name}-moved")
        if kind == "busy":
            if request.path not in seen_busy:
                seen_busy.add(request.path)
                return web.Response(status=429, headers={"Retry-After": "1"})
            return web.Response(body=PAGE % name.encode(), content_type="text/html")
        if kind == "soft":
            return web.Response(body=SOFT_404, content_type="text/html")
        return web.Response(status=404)

    app = web.Application()
    app.router.add_route("*", "/{kind}/{name}", handle)
    return app


async def serve(hosts: int, latency: tuple[float, float], ports_file: Path) -> None:
    runner = web.AppRunner(make_app(latency), access_log=None)
    await runner.setup()
    ports: dict[str, int] = {}
    for number in range(1, hosts + 1):
        host = f"127.0.0.{number}"
        site = web.TCPSite(runner, host, 0, backlog=4096)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        ports[host] = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    ports_file.write_text(json.dumps(ports))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", default="0-0", help="milliseconds, LOW-HIGH")
    parser.add_argument("--ports-file", type=Path, required=True)
    args = parser.parse_args()
    low, high = (float(x) / 1000 for x in args.latency.split("-"))
    asyncio.run(serve(args.hosts, (low, high), args.ports_file))


if __name__ == "__main__":
    main()
