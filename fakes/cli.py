"""`harness undercloud serve`: run the fake undercloud in the foreground until Ctrl-C."""
from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

import click

from fakes.server import check_bind_address


def _bind_address(ctx, param, values):
    for value in values:
        try:
            check_bind_address(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return values


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it holds the admin password), from the start."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


@click.group()
def undercloud() -> None:
    """The fake undercloud (Keystone, Heat, Swift)."""


@undercloud.command()
@click.option("--bind", "binds", multiple=True, default=("127.0.0.1",), show_default=True,
              callback=_bind_address, help="Address to listen on (repeat for several).")
@click.option("--advertise", help="Address put in the catalog, temp URLs and links "
                                  "[default: the first --bind].")
@click.option("--stackrc", "stackrc", type=click.Path(dir_okay=False, writable=True),
              default="stackrc", show_default=True, help="Where to write the credentials file.")
@click.option("--keystone-port", type=click.IntRange(0, 65535), default=5000, show_default=True)
@click.option("--heat-port", type=click.IntRange(0, 65535), default=8004, show_default=True)
@click.option("--cfn-port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--swift-port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--username", default="admin", show_default=True)
@click.option("--password", help="Admin password [default: generated, see the stackrc].")
@click.option("--project", default="admin", show_default=True)
@click.option("--last-modified", type=click.Choice(["distinct", "swift"]), default="distinct",
              show_default=True, help="distinct: an object's Last-Modified never repeats; "
                                      "swift: real ceil rounding.")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Worker threads per listener.")
def serve(binds, advertise, stackrc, keystone_port, heat_port, cfn_port, swift_port, username,
          password, project, last_modified, threads) -> None:
    """Serve Keystone :5000, Heat :8004, Heat CFN :8000 and Swift :8080 (0 = a free port).

    \b
    On loopback listeners every port also answers the control API:
      POST /_harness/reset               rebuild all state (same credentials)
      GET  /_harness/requests            the request journal (secrets redacted)
      PUT  /_harness/clock               {"offset": s} | {"now": epoch} | {"advance": s}
      POST /_harness/faults              e.g. {"service": "swift", "action": "fail",
                                         "status": 503, "count": 2}
    """
    from fakes.undercloud import Undercloud
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ports = {"keystone": keystone_port, "heat": heat_port, "cfn": cfn_port, "swift": swift_port}
    try:
        cloud = Undercloud(bind=binds, advertise=advertise, ports=ports, username=username,
                           password=password, project_name=project, last_modified=last_modified,
                           threads=threads)
        cloud.start()
    except (ValueError, OSError) as error:
        raise click.ClickException(str(error)) from None
    stopping = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        path = Path(stackrc)
        write_private(path, cloud.stackrc_text())
        for line in cloud.describe():
            click.echo(line)
        click.echo(f"advertised as {cloud.endpoints.host}; credentials in {path.resolve()} "
                   f"(source it, then e.g. `openstack token issue`)")
        click.echo("Ctrl-C to stop.", err=True)
        stopping.wait()
    finally:
        cloud.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        click.echo("undercloud stopped", err=True)
