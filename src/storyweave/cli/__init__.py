"""The ``storyweave`` command: a thin face over the library.

One module per command group, all sharing :mod:`.flags` (common flags, exit codes, the
mapping from flags to :class:`~storyweave.options.BriefOptions`):

* :mod:`.brief`    ``brief``, ``schema``
* :mod:`.evaluate` ``eval summaries``, ``eval analysis``
* :mod:`.monitor`  ``ingest``, ``stories``, ``batch`` (and ``brief --story``)
* :mod:`.serve`    ``serve``
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import StoryweaveError
from ..version import __version__
from . import brief, evaluate, monitor, serve
from .flags import (
    ENVIRONMENT,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    configure_logging,
    shown,
)

__all__ = [
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "build_parser",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per job)."""
    parser = argparse.ArgumentParser(
        prog="storyweave",
        description="Weave many news reports of one event into one cited briefing.",
        epilog="environment (read as defaults; a flag wins):\n"
        + "\n".join(f"  {name:<20}{what}" for name, what in ENVIRONMENT.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"storyweave {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Each group imports its heavy dependencies only when its command runs, and then says
    # how to install them if they are missing.
    for group in (brief, evaluate, monitor, serve):
        group.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``storyweave`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "brief" and not args.inputs and args.story is None:
        parser.error("brief: give at least one INPUT, or --story ID")  # exits with 2
    if args.command == "brief" and args.since is not None and args.story is None:
        parser.error("brief: --since compares briefings of a stored story: give --story ID")
    configure_logging(args)
    try:
        code: int = args.handler(args)
        return code
    except StoryweaveError as error:
        print(f"storyweave: {shown(error)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("storyweave: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `storyweave brief ... | head`
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
