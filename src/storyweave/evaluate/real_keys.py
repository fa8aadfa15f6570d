"""Answer keys of real news clusters (``storyweave-real-answers/1``): loading and resolving.

A real key may not hold the text it judges (the articles are not ours to copy), so it
names a cluster of a dataset in the shared data folder and marks sentences by character
offsets into ``documents[i].text`` (or, with ``"field": "title"``, into the headline)::

    {"format": "storyweave-real-answers/1",
     "dataset": "duc2004_task2/duc2004_task2.jsonl",   # relative to the data folder
     "cluster": "d31022t",
     "documents": ["<page id>", ...],                   # only for text_scrapes: which pages
     "conflicts":   [{"what": "death toll",
                      "sides": [{"doc": 3, "start": 0, "end": 159, "value": [51, 53],
                                 "set": "60"}]}],        # "set": sides that agree share one
     "compatible":  [...same shape: values that look different but agree...],
     "superseded":  [{"what": "...", "stale": {"doc", "start", "end"},
                      "overtaken_by": [{"doc", "start", "end"}, ...]}],
     "single_source": [{"what": "...", "doc", "start", "end"}],
     "shared":      [{"doc", "start", "end"}, ...],     # sentences several outlets report
     "quotes":      [{"speaker": "Peter Campbell", "aliases": [...],   # spellings the sources use
                      "variants": [{"doc", "start", "end"}]}],
     "judged":      [{"kind": "single_source", "doc", "start", "end",
                      "right": false, "why": "chrome"}, ...],
     "notes": "how exhaustive the key is"}

``judged`` records what a reader decided about items the system reported that the key
did not already cover (pooled judgments), so that precision can count them: a
``single_source`` entry marks one sentence, a ``conflict`` entry has ``sides`` (one span
per side), a ``superseded`` entry has ``stale`` and ``overtaken_by``.

:func:`read_cluster` loads the cluster the key names (the data folder comes from an
argument, ``$STORYWEAVE_DATA``, or ``../shared/data`` beside the repository) and
:func:`resolve` turns the spans into the in-memory shape the fictional keys have (``file``
= the origin of the briefing source made from that document, ``sentence`` = the span's
text), so the same matching rules score both.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, OptionsError
from ..ingest.datasets import iter_records, normalise_date, record_to_cluster
from ..model import Article
from ..options import BriefOptions

REAL_KEY_FORMAT = "storyweave-real-answers/1"
#: Where keys live in the repository (relative to its root).
DEFAULT_REAL_KEYS = "tests/data/real_keys"
REPO = Path(__file__).resolve().parents[3]
#: The key lists a real key may hold, each a list of objects.
_LISTS = ("conflicts", "compatible", "superseded", "single_source", "shared", "quotes", "judged")
_JUDGED_KINDS = frozenset({"conflict", "superseded", "single_source"})


def data_root(given: str | Path | None = None) -> Path:
    """The shared data folder: ``given``, else ``$STORYWEAVE_DATA``, else ``../shared/data``
    beside the repository."""
    if given:
        return Path(given)
    return Path(os.environ.get("STORYWEAVE_DATA") or REPO / ".." / "shared" / "data")


def key_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand key files and folders of them (``*.json``, sorted) into key files."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inner = sorted(path.glob("*.json"))
            if not inner:
                raise OptionsError(f"{raw}: no real answer keys (*.json) in this folder")
            found += inner
        elif path.is_file():
            found.append(path)
        else:
            raise OptionsError(f"{raw}: no such key file or folder")
    return found


def load_real_key(path: str | Path) -> dict[str, Any]:
    """Read one real key; raise :class:`InputError` naming the file if it is not one."""
    name = str(path)
    try:
        key = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(name, f"cannot read the real answer key: {error}") from None
    if not isinstance(key, dict) or key.get("format") != REAL_KEY_FORMAT:
        raise InputError(name, f"not a real answer key (expected format {REAL_KEY_FORMAT!r})")
    for field_name in ("dataset", "cluster"):
        if not isinstance(key.get(field_name), str) or not key[field_name]:
            raise InputError(name, f"the key needs a {field_name!r} string")
    for list_name in _LISTS:
        if not isinstance(key.get(list_name, []), list):
            raise InputError(name, f"{list_name!r} must be a list")
    for entry in key.get("judged", []):
        if entry.get("kind") not in _JUDGED_KINDS or not isinstance(entry.get("right"), bool):
            raise InputError(
                name, f"judged entry needs a kind in {sorted(_JUDGED_KINDS)} and right: true/false"
            )
    return key


@dataclass(frozen=True)
class RealCluster:
    """The cluster a key names: briefable articles plus the raw documents the offsets index.

    ``origins[i]`` is the origin of the article made from document ``i`` (absent when the
    document is empty and was skipped, as when briefing).
    """

    id: str
    articles: tuple[Article, ...]
    documents: tuple[dict[str, Any], ...]
    origins: dict[int, str]

    def text(self, span: dict[str, Any]) -> str:
        """The text a span marks (the sentence, or the headline part for ``field: title``)."""
        return self.field_text(span)[span["start"] : span["end"]]

    def value(self, span: dict[str, Any]) -> str:
        """The disputed value a conflict side marks ("" when it marks none)."""
        start, end = span.get("value") or (0, 0)
        return self.field_text(span)[start:end]

    def field_text(self, span: dict[str, Any]) -> str:
        """The whole text (or headline) of the span's document."""
        document = self.documents[span["doc"]]
        value = document.get("title" if span.get("field") == "title" else "text")
        return value if isinstance(value, str) else ""


def read_cluster(key: dict[str, Any], root: str | Path | None = None) -> RealCluster:
    """Load the cluster ``key`` names from the data folder (see :func:`data_root`)."""
    path = data_root(root) / key["dataset"]
    if not path.exists():
        raise OptionsError(
            f"{path}: dataset of cluster {key['cluster']!r} not found; give the shared data "
            "folder with --data or $STORYWEAVE_DATA"
        )
    limit = BriefOptions().max_input_bytes
    pages = key.get("documents")
    if pages:
        return _pages_cluster(path, key["cluster"], [str(p) for p in pages], limit)
    for line_no, record in iter_records(path, limit):
        if str(record.get("id")) == key["cluster"]:
            item = record_to_cluster(record, key["cluster"], path.name, line_no)
            raw = record.get("documents")
            documents = tuple(
                d if isinstance(d, dict) else {"text": str(d)}
                for d in (raw if isinstance(raw, list) else [])
            )
            origins = {int(a.origin.rsplit("/", 1)[1]): a.origin for a in item.articles}
            return RealCluster(key["cluster"], item.articles, documents, origins)
    raise OptionsError(f"{path}: no cluster {key['cluster']!r}")


def _pages_cluster(path: Path, cluster: str, ids: list[str], limit: int) -> RealCluster:
    """A cluster of single-page records (text scrapes): the pages ``ids`` in that order."""
    wanted = set(ids)
    found: dict[str, dict[str, Any]] = {}
    for _, record in iter_records(path, limit):
        if str(record.get("id")) in wanted:
            found[str(record["id"])] = record
    missing = [page for page in ids if page not in found]
    if missing:
        raise OptionsError(f"{path}: no page {missing[0]!r} (cluster {cluster!r})")
    articles, documents, origins = [], [], {}
    for index, page in enumerate(ids):
        record = found[page]
        raw_meta = record.get("page_meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        url = record.get("url")
        origin = f"{path.name}#{cluster}/{index}"
        text = str(record.get("text") or "")
        documents.append({"text": text})
        if text.strip():
            origins[index] = origin
            articles.append(
                Article(
                    text=text,
                    origin=origin,
                    url=url if isinstance(url, str) else None,
                    published=normalise_date(meta.get("published")),
                )
            )
    return RealCluster(cluster, tuple(articles), tuple(documents), origins)


def span_problems(key: dict[str, Any], cluster: RealCluster) -> list[str]:
    """Every span of the key that is not a non-empty stretch of its document."""
    problems: list[str] = []
    for where, span in iter_spans(key):
        doc = span.get("doc")
        if not isinstance(doc, int) or not 0 <= doc < len(cluster.documents):
            problems.append(f"{where}: no document {doc!r}")
            continue
        text = cluster.field_text(span)
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"{where}: span {start}-{end} outside document {doc}")
            continue
        if not text[start:end].strip():
            problems.append(f"{where}: empty span {start}-{end} in document {doc}")
        if "value" in span:
            value_start, value_end = span["value"]
            if not start <= value_start < value_end <= end:
                problems.append(f"{where}: value {span['value']} not inside its sentence")
        if doc not in cluster.origins:
            problems.append(f"{where}: document {doc} is empty and is never briefed")
    return problems


def iter_spans(key: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """``(where, span)`` for every span of a key, ``where`` naming it for messages."""
    for kind in ("conflicts", "compatible"):
        for i, entry in enumerate(key.get(kind, [])):
            for j, side in enumerate(entry.get("sides", [])):
                yield f"{kind}[{i}].sides[{j}]", side
    for i, entry in enumerate(key.get("superseded", [])):
        yield f"superseded[{i}].stale", entry["stale"]
        for j, later in enumerate(entry.get("overtaken_by", [])):
            yield f"superseded[{i}].overtaken_by[{j}]", later
    for i, entry in enumerate(key.get("single_source", [])):
        yield f"single_source[{i}]", entry
    for i, entry in enumerate(key.get("shared", [])):
        yield f"shared[{i}]", entry
    for i, entry in enumerate(key.get("quotes", [])):
        for j, variant in enumerate(entry.get("variants", [])):
            yield f"quotes[{i}].variants[{j}]", variant
    for i, entry in enumerate(key.get("judged", [])):
        if entry.get("kind") == "single_source":
            yield f"judged[{i}]", entry
        for j, side in enumerate(entry.get("sides", [])):
            yield f"judged[{i}].sides[{j}]", side
        if "stale" in entry:
            yield f"judged[{i}].stale", entry["stale"]
        for j, later in enumerate(entry.get("overtaken_by", [])):
            yield f"judged[{i}].overtaken_by[{j}]", later


def resolve(key: dict[str, Any], cluster: RealCluster) -> dict[str, Any]:
    """The key in the in-memory shape of the fictional keys (``file`` + ``sentence`` text).

    Spans of documents that were never briefed (empty ones) resolve to a file no source
    has, so they can only be missed.
    """

    def place(span: dict[str, Any]) -> dict[str, Any]:
        out = {
            "file": cluster.origins.get(span["doc"], f"#unbriefed/{span['doc']}"),
            "sentence": cluster.text(span),
        }
        if "value" in span:
            out["value"] = cluster.value(span)
        if "set" in span:
            out["set"] = str(span["set"])
        return out

    def sides(entry: dict[str, Any]) -> dict[str, Any]:
        return {"what": entry.get("what", ""), "sides": [place(s) for s in entry["sides"]]}

    quotes = []
    for entry in key.get("quotes", []):
        variants = [dict(place(v), text=cluster.text(v)) for v in entry["variants"]]
        first = variants[0]["text"].split() if variants else []
        quotes.append(
            {
                "speaker": entry["speaker"],
                "aliases": list(entry.get("aliases", [])),
                "statement": " ".join(first[:8]),
                "variants": variants,
            }
        )
    judged = []
    for entry in key.get("judged", []):
        item: dict[str, Any] = {
            "kind": entry["kind"],
            "right": entry["right"],
            "why": entry.get("why", ""),
        }
        if entry["kind"] == "single_source":
            item.update(place(entry))
        if "sides" in entry:
            item["sides"] = [place(s) for s in entry["sides"]]
        if "stale" in entry:
            item["stale"] = place(entry["stale"])
            item["overtaken_by"] = [place(o) for o in entry.get("overtaken_by", [])]
        judged.append(item)
    return {
        "story": key["cluster"],
        "files": [{"file": origin} for origin in cluster.origins.values()],
        "conflicts": [sides(e) for e in key.get("conflicts", [])],
        "compatible": [sides(e) for e in key.get("compatible", [])],
        "superseded": [
            {
                "what": e.get("what", ""),
                "stale": place(e["stale"]),
                "overtaken_by": [place(o) for o in e["overtaken_by"]],
            }
            for e in key.get("superseded", [])
        ],
        "single_source": [
            dict(place(e), what=e.get("what", "")) for e in key.get("single_source", [])
        ],
        "shared": [place(e) for e in key.get("shared", [])],
        "quotes": quotes,
        "judged": judged,
    }


_SPACE = re.compile(r"\s+")
_QUOTE_CHARS = "\"'“”‘’`„"


def locate(sentence: str, text: str) -> tuple[int, int] | None:
    """Where ``sentence`` (as a briefing shows it) stands in ``text``: ``(start, end)``.

    Whitespace runs and quote characters may differ (the cleaner joins lines and may
    straighten quotes); ``None`` when the sentence is not found (it was rewritten).
    """
    pieces = [p for p in _SPACE.split(sentence.strip()) if p]
    if not pieces:
        return None
    quote_class = "[" + re.escape(_QUOTE_CHARS) + "]+"

    def piece_pattern(piece: str) -> str:
        return quote_class.join(re.escape(part) for part in re.split(quote_class, piece))

    pattern = r"\s+".join(piece_pattern(p) for p in pieces)
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


def locate_in_cluster(cluster: RealCluster, origin: str, sentence: str) -> dict[str, Any] | None:
    """``{"doc", "start", "end"}`` (plus ``"field": "title"``) for a briefing sentence."""
    for doc, known in cluster.origins.items():
        if known != origin:
            continue
        document = cluster.documents[doc]
        for field_name in ("text", "title"):
            text = document.get(field_name)
            if isinstance(text, str):
                where = locate(sentence, text)
                if where:
                    span: dict[str, Any] = {"doc": doc, "start": where[0], "end": where[1]}
                    if field_name == "title":
                        span["field"] = "title"
                    return span
        return {"doc": doc, "start": None, "end": None}
    return None


def check_keys(paths: Sequence[Path], root: str | Path | None = None) -> dict[str, list[str]]:
    """Span problems of every key (see :func:`span_problems`), by key file name."""
    result: dict[str, list[str]] = {}
    for path in paths:
        key = load_real_key(path)
        result[path.name] = span_problems(key, read_cluster(key, root))
    return result
