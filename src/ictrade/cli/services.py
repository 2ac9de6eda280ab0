"""Commands that serve and estimate: serve (API and dashboard), nowcast."""

from __future__ import annotations

import click

from ..errors import UsageError
from .options import chosen_store, store_options
from .output import emit, format_option, progress_bar, say, text_table


@click.command("nowcast")
@click.argument("flash", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--history",
    "histories",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="More flash/final figures to learn from (same CSV layout); repeatable.",
)
@click.option(
    "--backtest",
    "run_backtest",
    is_flag=True,
    help="Rolling-origin backtest over the history instead of nowcasting FLASH.",
)
@click.option(
    "--from",
    "start",
    metavar="YYYY-MM",
    help="First month the backtest predicts (default 2023-01).",
)
@format_option(
    "a table of the nowcasts (with --backtest: of the scores)",
    json_help="a list of objects with the CSV's keys",
    csv_help="item_key, partner_ko, month, cut_day, nowcast, lo80, hi80 (80% interval, in the "
    "unit of cum_value); with --backtest: cut, method, n, mape, median_ape, coverage80, "
    "mape_vs_wd, median_vs_wd",
)
def nowcast_command(
    flash: str | None,
    histories: tuple[str, ...],
    run_backtest: bool,
    start: str | None,
    fmt: str,
) -> None:
    """Nowcast each month's exports from the 10- and 20-day flash figures in FLASH (CSV in the
    provisional_10day.csv layout): the month-end estimate of each figure with its 80% interval,
    in the unit of cum_value."""
    from ..nowcast.engine import (
        SCORE_DIGITS,
        backtest_scores,
        format_scores,
        nowcasts,
        nowcasts_csv,
        score_rows,
    )

    if run_backtest:
        with progress_bar("backtest: months by method") as update:
            scores = backtest_scores(histories, flash, start, progress=update)
        rows = score_rows(scores)
        if fmt == "csv":
            click.echo(format_scores(scores), nl=False)
        elif fmt == "json":
            emit(rows, fmt)
        else:
            digits = {"cut": "d", "method": "s", "n": ",d", **SCORE_DIGITS}
            click.echo(
                text_table([{k: format(r[k], digits[k]) for k in r} for r in rows]), nl=False
            )
        return
    if flash is None:
        raise UsageError("give a FLASH.csv to nowcast, or --backtest")
    found = nowcasts(flash, histories)
    if fmt == "csv":
        click.echo(nowcasts_csv(found), nl=False)
    elif fmt == "json":
        emit(found, fmt)
    else:
        shown = [
            {"item_key": n.item_key, "partner_ko": n.partner_ko, "month": n.month_text,
             "cut_day": str(n.cut_day), "nowcast": f"{n.nowcast:,.1f}", "lo80": f"{n.lo80:,.1f}",
             "hi80": f"{n.hi80:,.1f}"}
            for n in found
        ]  # fmt: skip
        click.echo(text_table(shown), nl=False)


# --- ictrade serve: the JSON API and the dashboard ---------------------------------------------


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@store_options
def serve_command(host: str, port: int, store_path: str | None, dataset: str | None) -> None:
    """Serve the read-only JSON API (/api/...) and the dashboard (/) over HTTP.

    Set ICTRADE_API_KEY to require that key on every request (header X-API-Key or ?api_key=).
    """
    import socket

    from ..web import create_app
    from ..web.app import prepare
    from ..web.server import server

    choice = chosen_store(store_path, dataset)
    say(choice.reason)
    app = create_app(choice=choice)
    prepare(app)  # before the port is taken: a store that cannot be served is an error here
    try:
        sock = socket.create_server((host, port))
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port"
        ) from None
    running = server(app, log_level="warning")
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"serving on http://{shown}:{sock.getsockname()[1]}/ (API under /api/); Ctrl-C stops",
        err=True,
    )
    running.run(sockets=[sock])
