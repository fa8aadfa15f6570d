"""Outlet profiles: the user's own file of outlets, read once and matched to each source.

storyweave bundles nobody's ratings. A user (a newsroom, a researcher) may give a file
that says, for each outlet, its name, its web domains and any labels: ``lean``
(left / centre / right, or a finer scale), ``country``, ``owner``, or keys of their own.
Every surface reads it (``--outlets FILE`` or ``$STORYWEAVE_OUTLETS``; in Python
``BriefOptions(outlets=load_outlets(path))``), and the briefing then shows coverage by
side and the claims only one side carries (:mod:`.sides`).

JSON (``.json``)::

    {"format": "storyweave-outlets/1",
     "side": "lean",                      # the label that says which side; default "lean"
     "outlets": [
       {"name": "Velmora Courier", "domains": ["velmoracourier.example"],
        "aliases": ["The Courier"], "lean": "left", "country": "Ardania",
        "owner": "Courier Media Group"}]}

A bare list of outlet objects is read the same way. CSV (``.csv``): a header row with
``name`` and any of ``domains``, ``aliases`` (several separated by ``;`` or spaces) and
label columns; an empty cell is no label.

A source matches a profile by the host of its URL (a domain or any subdomain of it), else
by its outlet name (case, a leading "The" and punctuation ignored) or an alias.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import OutletsError
from ..model import OutletDirectory, OutletProfile, Source

_log = logging.getLogger(__name__)

#: The ``format`` a JSON outlet file may declare.
OUTLETS_FORMAT = "storyweave-outlets/1"
#: The label that says which side an outlet is on, unless the file names another.
DEFAULT_SIDE_KEY = "lean"
#: An outlet file is a list a person keeps; anything larger is a mistake, refused unread.
MAX_OUTLETS_BYTES = 5 * 2**20
#: Entry keys that are not labels.
_OWN_KEYS = ("name", "domains", "aliases")
_SPLIT = re.compile(r"[;,\s]+")


def load_outlets(path: str | Path) -> OutletDirectory:
    """Read an outlet file (JSON or CSV, see the module docstring).

    Raises :class:`~storyweave.errors.OutletsError` naming the file and the entry for a
    missing file, bad syntax, an entry without a name, or an outlet or domain given twice.
    """
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_OUTLETS_BYTES:
            raise OutletsError(
                f"outlet file {name}: {size / 2**20:.1f} MB, larger than the "
                f"{MAX_OUTLETS_BYTES // 2**20} MB an outlet file may have"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise OutletsError(f"outlet file {name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise OutletsError(f"outlet file {name}: cannot read it ({error})") from None
    if path.suffix.lower() == ".csv":
        entries, side_key = _csv_entries(text, name), DEFAULT_SIDE_KEY
    else:
        entries, side_key = _json_entries(text, name)
    profiles = tuple(_profile(entry, i, name) for i, entry in enumerate(entries, start=1))
    _check_unique(profiles, name)
    _log.info("outlet file %s: %d outlets, sides by %r", name, len(profiles), side_key)
    return OutletDirectory(profiles=profiles, side_key=side_key, origin=name)


def _json_entries(text: str, name: str) -> tuple[list[Any], str]:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise OutletsError(f"outlet file {name}: not valid JSON ({str(error)[:120]})") from None
    side_key = DEFAULT_SIDE_KEY
    if isinstance(document, dict):
        declared = document.get("format", OUTLETS_FORMAT)
        if declared != OUTLETS_FORMAT:
            raise OutletsError(
                f"outlet file {name}: format {str(declared)[:60]!r} is not {OUTLETS_FORMAT!r}"
            )
        side_key = document.get("side", DEFAULT_SIDE_KEY)
        if not isinstance(side_key, str) or not side_key.strip():
            raise OutletsError(f"outlet file {name}: \"side\" must name a label, e.g. \"lean\"")
        document = document.get("outlets")
    if not isinstance(document, list):
        raise OutletsError(
            f"outlet file {name}: expected a list of outlets (or {{\"outlets\": [...]}})"
        )
    return document, side_key.strip()


def _csv_entries(text: str, name: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise OutletsError(f"outlet file {name}: the CSV needs a header row with a 'name' column")
    rows = []
    for row in reader:
        rows.append(
            {
                (key or "").strip().lower() if (key or "").strip().lower() in _OWN_KEYS
                else (key or "").strip(): (value or "").strip()
                for key, value in row.items()
                if key is not None and isinstance(value, str) and value.strip()
            }
        )
    return rows


def _profile(entry: Any, number: int, file: str) -> OutletProfile:
    where = f"outlet file {file}, entry {number}"
    if not isinstance(entry, dict):
        raise OutletsError(f"{where}: an outlet must be an object with a \"name\"")
    outlet = entry.get("name")
    if not isinstance(outlet, str) or not outlet.strip():
        raise OutletsError(f"{where}: has no \"name\"")
    labels = []
    for key, value in entry.items():
        if key in _OWN_KEYS:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise OutletsError(
                f"{where} ({outlet}): label {str(key)[:40]!r} must be a word or number, "
                f"not {type(value).__name__}"
            )
        if str(value).strip():
            labels.append((str(key).strip(), str(value).strip()))
    return OutletProfile(
        name=" ".join(outlet.split()),
        domains=tuple(_domain(d) for d in _strings(entry.get("domains"), where, "domains")),
        aliases=tuple(" ".join(a.split()) for a in _strings(entry.get("aliases"), where, "aliases")),
        labels=tuple(labels),
    )


def _strings(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in (_SPLIT.split(value) if key == "domains" else value.split(";")) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    raise OutletsError(f"{where}: \"{key}\" must be a list of strings")


def _domain(value: str) -> str:
    """``"https://www.Example.org/news"`` -> ``"example.org"``."""
    value = value.strip().lower()
    host = urlsplit(value).hostname if "//" in value else value.split("/", 1)[0]
    return (host or value).removeprefix("www.").rstrip(".")


def _check_unique(profiles: Iterable[OutletProfile], file: str) -> None:
    names: dict[str, tuple[int, str]] = {}  # name key -> (entry, outlet name)
    domains: dict[str, tuple[int, str]] = {}
    for entry, profile in enumerate(profiles, start=1):
        for name in (profile.name, *profile.aliases):
            key = name_key(name)
            earlier = names.setdefault(key, (entry, profile.name))
            if earlier[0] == entry:
                continue
            if name_key(earlier[1]) == name_key(profile.name):
                raise OutletsError(
                    f"outlet file {file}: {earlier[1]!r} is listed twice "
                    f"(entries {earlier[0]} and {entry})"
                )
            raise OutletsError(
                f"outlet file {file}: {name!r} names both {earlier[1]!r} (entry {earlier[0]}) "
                f"and {profile.name!r} (entry {entry})"
            )
        for domain in profile.domains:
            earlier = domains.setdefault(domain, (entry, profile.name))
            if earlier[0] != entry:
                raise OutletsError(
                    f"outlet file {file}: domain {domain!r} is given for both "
                    f"{earlier[1]!r} (entry {earlier[0]}) and {profile.name!r} (entry {entry})"
                )


def name_key(name: str) -> str:
    """How outlet names are compared: ``"THE ARDANIAN LEDGER"`` and ``"Ardanian Ledger"``
    give the same key (case, accents, a leading "The" and punctuation ignored)."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"^the\s+", "", folded.strip())
    return re.sub(r"[\W_]+", "", folded)


def host_of(url: str | None) -> str | None:
    """The lower-case host of an http(s) URL without ``www.``; ``None`` for anything else."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def match_profile(directory: OutletDirectory, source: Source) -> OutletProfile | None:
    """The profile of ``source``'s outlet: by the host of its URL (or origin), else by its
    outlet name or an alias; ``None`` when the file does not list it."""
    for address in (source.url, source.origin):
        host = host_of(address)
        if host is None:
            continue
        for profile in directory.profiles:
            if any(host == d or host.endswith("." + d) for d in profile.domains):
                return profile
    if source.outlet:
        key = name_key(source.outlet)
        for profile in directory.profiles:
            if key and key in {name_key(n) for n in (profile.name, *profile.aliases)}:
                return profile
    return None


def with_profiles(sources: Iterable[Source], directory: OutletDirectory | None) -> tuple[Source, ...]:
    """``sources`` with the profile of each one's outlet (none without a directory)."""
    if directory is None:
        return tuple(sources)
    return tuple(replace(s, profile=match_profile(directory, s)) for s in sources)
