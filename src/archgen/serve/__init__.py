"""`archgen serve`: a page per design that redraws and re-lints on every save."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable
from pathlib import Path

from archgen.config import Settings
from archgen.errors import ConfigError


def is_loopback(address: str) -> bool:
    """Say whether an address is a loopback one (127.0.0.0/8, ::1); a name is not."""
    import ipaddress

    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def serve(
    paths: Iterable[Path],
    settings: Settings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    ready: Callable[[str, int], None] | None = None,
    reload: Callable[[], Settings] | None = None,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Serve the designs under `paths` until interrupted; `ready(url, designs)` is called once listening.

    When the config file changes, `reload()` reads the settings again and they apply to every
    design. Bound to an address others can reach, `warn` is told so. A port in use is a
    ConfigError. Ctrl-C stops the watcher and the server and returns.
    """
    from archgen.commands.lint import check_settings
    from archgen.serve.server import start
    from archgen.serve.workspace import Workspace

    settings = settings or Settings()
    check_settings(settings)
    if warn is not None and host != "localhost" and not is_loopback(host):
        warn(f"serving on {host}: anyone who can reach it can read your designs")
    workspace = Workspace(paths, settings, reload)
    workspace.load_all()
    try:
        server, watcher = start(workspace, host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is in use; choose another with --port") from None
        raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    shown = f"[{host}]" if ":" in host else host
    try:  # Ctrl-C may come as soon as the address is printed
        if ready is not None:
            ready(f"http://{shown}:{server.server_address[1]}/", len(workspace.designs))
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        workspace.stop.set()
        with workspace.changed:
            workspace.changed.notify_all()
        server.server_close()
        watcher.join(timeout=2)
