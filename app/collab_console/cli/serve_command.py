"""``collab-console serve``: the join service that Session URLs open, until Ctrl+C.

It listens on 127.0.0.1:8765 unless told otherwise. The service speaks plain
HTTP, so it refuses an address that is not loopback unless ``--proxy-headers``
says a TLS reverse proxy stands in front (which then must be the only way
in). ``--demo`` (before ``serve``) fills a store nobody has used yet with the
demo data, as the console's ``--demo`` does, so ``packaging/bootstrap run`` can
start the service before the console.

Exit status: 0 once stopped by a signal or Ctrl+C (130 for Ctrl+C, from
``main``), 1 when the store cannot be used or the address cannot be listened
on, 2 for a non-loopback address without ``--proxy-headers``.
"""

from __future__ import annotations

import argparse
import gc
import logging

from collab_console.cli.commands import Exit, fail, open_for
from collab_console.cli.output import write_out
from collab_console.core.i18n import _, isolate


def serve(args: argparse.Namespace) -> int:
    from collab_console.join_service.app import JoinService
    from collab_console.join_service.server import LOOPBACK_PROXIES, config, is_loopback, listen
    from collab_console.store import open_store, seed_demo

    host: str = args.host
    port: int = args.port
    if not is_loopback(host) and not args.proxy_headers:
        return fail(
            _(
                "{host} is not a loopback address: the join service speaks plain HTTP, so it "
                "must sit behind a TLS reverse proxy there; pass --proxy-headers once it does"
            ).format(host=isolate(host)),
            Exit.USAGE,
        )
    store = open_for(args, readonly=False, create=bool(args.demo))
    try:
        if args.demo:
            seed_demo(store)
        url_base = store.load_settings().session_url_base
    finally:
        store.close()
    import uvicorn

    service = JoinService(lambda: open_store(args.data_dir, db=args.db))
    try:
        paths = service.paths()
        sock = listen(host, port)
    except OSError as exc:
        service.close()
        return fail(
            _("cannot listen on {address}: {problem}").format(
                address=isolate(f"{host}:{port}"), problem=exc.strerror or exc
            ),
            Exit.FAILED,
        )
    except BaseException:
        service.close()
        raise
    _log_to_stderr()
    shown_host = f"[{host}]" if ":" in host else host
    write_out(
        _("Join service for Session URLs {url_base}… listening on {url} (Ctrl+C stops it)").format(
            url_base=isolate(url_base),
            url=isolate(f"http://{shown_host}:{sock.getsockname()[1]}{paths.base}"),
        )
    )
    trusted = tuple(args.trusted_proxy or LOOPBACK_PROXIES)
    server = uvicorn.Server(
        config(service.app, proxy_headers=args.proxy_headers, trusted_proxies=trusted)
    )
    # What start-up made lives as long as the process: keep it out of the garbage
    # collector's full passes, which would otherwise walk it all (tens of ms here)
    # in the middle of answering someone (tests/benchmarks/join_load.py).
    gc.freeze()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        service.close()
    return Exit.OK


def _log_to_stderr() -> None:
    """The service's lines on standard error: its access lines there only, the rest also in
    the app's log file.

    One access line per request would push everything else out of the app's
    rotating log file within seconds under load, so access lines go to
    standard error alone (where a service manager keeps them); they never hold
    a token (``join_service.access_log``). The service's other lines (the URL
    base it answers under, store trouble) go to both, masked.
    """
    from collab_console.core.log_handlers import RedactingFilter
    from collab_console.join_service.access_log import LOGGER_NAME as ACCESS
    from collab_console.join_service.app import LOGGER_NAME as SERVICE

    lines = logging.Formatter("%(asctime)s %(message)s")
    masked = logging.StreamHandler()
    masked.addFilter(RedactingFilter())
    masked.setFormatter(lines)
    service = logging.getLogger(SERVICE)
    service.addHandler(masked)
    service.setLevel(logging.INFO)
    plain = logging.StreamHandler()
    plain.setFormatter(lines)
    access = logging.getLogger(ACCESS)
    access.addHandler(plain)
    access.setLevel(logging.INFO)
    access.propagate = False
