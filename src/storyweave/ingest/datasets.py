"""Dataset files: clusters of documents in JSON / JSONL (optionally gzip-compressed).

The record format is the one of the shared evaluation data, one cluster per line::

    {"id": "d30001t",
     "documents": [{"text": "...", "title"?, "source"?, "date"?, "published"?, "url"?}, ...],
     "references"?: ["..."], "summary"?: "...", "system_summaries"?: {...}, ...}

``.jsonl`` files are streamed line by line and the size limit applies to each line, so
a corpus far bigger than the per-input limit is fine while one runaway line is not.
A ``.json`` file holds one record or a list of records and is read whole, within the
limit. A document may also be a bare string (its text).
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..errors import DatasetError, InputNotFound, InputTooLarge
from ..model import Article, InputProblem
from ..options import BriefOptions
from .files import not_regular, too_large_message

#: Record fields that DatasetCluster holds in its own attributes rather than ``extra``.
_OWN_FIELDS = frozenset({"id", "documents", "references", "summary"})
#: Bytes read per call while skipping the rest of an over-long line.
_SKIP_CHUNK = 1024 * 1024
#: How many cluster ids an error message lists.
_IDS_SHOWN = 5

_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

ProblemHandler = Callable[[InputProblem], None]


@dataclass(frozen=True)
class DatasetCluster:
    """One cluster record: its articles, human references and any other fields.

    ``references`` is the record's ``references``, else ``[summary]``, else empty.
    ``extra`` holds the other fields (``system_summaries``, ``dataset``, ...).
    ``problems`` lists documents that were skipped (empty text, wrong shape).
    """

    id: str
    articles: tuple[Article, ...]
    references: tuple[str, ...]
    extra: dict[str, object]
    problems: tuple[InputProblem, ...] = ()


#: A file whose first lines all fail to parse is not a dataset: refused with one message
#: instead of one problem per line (three, so that one damaged line at the top is not enough).
NOT_A_DATASET_LINES = 3


def load_dataset(
    path: str | Path,
    *,
    cluster: str | None = None,
    limit: int | None = None,
    options: BriefOptions | None = None,
    on_problem: ProblemHandler | None = None,
) -> Iterator[DatasetCluster]:
    """Yield the cluster records of a dataset file in file order.

    ``cluster`` selects one cluster by id (:class:`DatasetError` if it is not there);
    ``limit`` stops after that many clusters. A line that does not parse is passed to
    ``on_problem`` and skipped; without a handler it raises :class:`DatasetError`.

    Example::

        for item in load_dataset("duc2004_task2.jsonl", limit=3):
            print(item.id, len(item.articles), len(item.references))
    """
    options = options or BriefOptions()
    path = Path(path)
    name = str(path)
    # For the message when ``cluster`` is not found: a few ids and a count, never all of
    # them (a file of ten million small records would hold them all in memory).
    sample: list[str] = []
    skipped = 0
    yielded = 0
    if limit is not None and limit < 1:
        return
    for line_no, record in iter_records(path, options.max_input_bytes, on_problem):
        record_id = _record_id(record, line_no)
        if cluster is not None and record_id != cluster:
            skipped += 1
            if len(sample) < _IDS_SHOWN:
                sample.append(record_id)
            continue
        yield record_to_cluster(record, record_id, path.name, line_no)
        yielded += 1
        if cluster is not None or (limit is not None and yielded >= limit):
            return
    if cluster is not None:
        raise DatasetError(name, unknown_cluster_message(cluster, sample, skipped))


def unknown_cluster_message(cluster: str, ids: list[str], total: int | None = None) -> str:
    """One line naming the missing id and a few that exist (``total``: how many in all)."""
    total = len(ids) if total is None else total
    if not total:
        return f"no cluster {cluster!r}: the file holds no clusters"
    shown = ", ".join(ids[:_IDS_SHOWN])
    more = f", ... ({total} in all)" if total > min(len(ids), _IDS_SHOWN) else ""
    return f"no cluster {cluster!r} in this file; available: {shown}{more}"


def iter_records(
    path: Path, max_bytes: int, on_problem: ProblemHandler | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield ``(line number, record)`` for each JSON object in the file (1-based lines)."""
    name = str(path)
    report = on_problem or _raise_problem
    try:
        kind = not_regular(path.stat().st_mode)
    except FileNotFoundError:
        raise InputNotFound(name, "no such file or directory") from None
    except OSError as error:
        raise DatasetError(name, f"cannot read: {error.strerror or error}") from None
    if kind:
        # A FIFO would be waited on forever, a device read without end.
        raise DatasetError(name, f"{kind}, not a regular file; skipped")
    lower = path.name.lower()
    compressed = lower.endswith(".gz")
    try:
        if lower.endswith((".json", ".json.gz")):
            data = _read_whole(path, max_bytes, compressed)
            yield from _parse_json_document(data, name, max_bytes, report)
        else:
            with _open(path, compressed) as handle:
                yield from _parse_lines(_lines(handle, max_bytes), name, max_bytes, report)
    except (gzip.BadGzipFile, EOFError) as error:
        raise DatasetError(name, f"not a valid gzip file ({error})") from None
    except OSError as error:
        raise DatasetError(name, f"cannot read: {error.strerror or error}") from None


def _raise_problem(problem: InputProblem) -> None:
    raise DatasetError(problem.input, problem.problem)


def _open(path: Path, compressed: bool) -> io.BufferedIOBase:
    if compressed:
        return gzip.open(path, "rb")
    return path.open("rb")


def _read_whole(path: Path, max_bytes: int, compressed: bool) -> bytes:
    """Read a ``.json`` file whole, refusing it (before reading, if plain) when too big."""
    if not compressed and path.stat().st_size > max_bytes:
        raise InputTooLarge(str(path), too_large_message(max_bytes))
    with _open(path, compressed) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(str(path), too_large_message(max_bytes))
    return data


def _lines(handle: io.BufferedIOBase, max_bytes: int) -> Iterator[bytes | None]:
    """Yield each line, or ``None`` for a line over ``max_bytes`` (skipped, never buffered)."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            # Drain the rest of the runaway line in bounded chunks.
            while True:
                rest = handle.readline(_SKIP_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        elif len(line) > max_bytes:
            yield None
        else:
            yield line


def _parse_lines(
    lines: Iterator[bytes | None], name: str, max_bytes: int, report: ProblemHandler
) -> Iterator[tuple[int, dict[str, object]]]:
    bad: list[InputProblem] = []  # lines that failed before the first good record
    seen_record = False
    for line_no, line in enumerate(lines, start=1):
        problem = None
        if line is None:
            problem = InputProblem(name, f"line {line_no}: {too_large_message(max_bytes)}")
        elif not line.strip():
            continue
        else:
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as error:
                # ValueError: bad syntax, bad UTF-8, an integer of more than 4,300 digits;
                # RecursionError: arrays or objects nested thousands deep.
                problem = InputProblem(name, f"line {line_no}: not valid JSON ({_short(error)})")
            else:
                if not isinstance(record, dict):
                    problem = InputProblem(name, f"line {line_no}: not a JSON object; skipped")
        if problem is not None:
            if not seen_record:
                bad.append(problem)
                if len(bad) >= NOT_A_DATASET_LINES:
                    # A text file or a page given as a dataset: one message, not one per line.
                    raise DatasetError(
                        name,
                        f"not a JSON Lines dataset: its first {len(bad)} lines are not JSON "
                        f"objects ({bad[0].problem}); a dataset has one "
                        '{"id", "documents": [...]} record per line',
                    )
                continue
            report(problem)
            continue
        if not seen_record:
            seen_record = True
            for earlier in bad:
                report(earlier)
        yield line_no, record
    for earlier in bad if not seen_record else ():
        report(earlier)


def _parse_json_document(
    data: bytes, name: str, max_bytes: int, report: ProblemHandler
) -> Iterator[tuple[int, dict[str, object]]]:
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            # JSON Lines saved under a .json name: read it line by line instead.
            yield from _parse_lines(iter(data.splitlines()), name, max_bytes, report)
            return
        raise DatasetError(name, f"not valid JSON ({_short(error)})") from None
    except (ValueError, RecursionError) as error:  # bad UTF-8, huge integers, deep nesting
        raise DatasetError(name, f"not valid JSON ({_short(error)})") from None
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, start=1):
        if isinstance(record, dict):
            yield number, record
        else:
            report(InputProblem(name, f"record {number}: not a JSON object; skipped"))


def _short(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return (str(error).splitlines() or [type(error).__name__])[0][:120]


def _record_id(record: dict[str, object], line_no: int) -> str:
    value = record.get("id")
    if isinstance(value, (str, int)) and str(value):
        return str(value)
    return f"line-{line_no}"


def record_to_cluster(
    record: dict[str, object], record_id: str, file_name: str, line_no: int
) -> DatasetCluster:
    """Turn one parsed record into a :class:`DatasetCluster` of Articles."""
    documents = record.get("documents")
    if not isinstance(documents, list):
        raise DatasetError(
            file_name, f"line {line_no}: cluster {record_id!r} has no documents list"
        )
    articles: list[Article] = []
    problems: list[InputProblem] = []
    for index, document in enumerate(documents):
        origin = f"{file_name}#{record_id}/{index}"
        if isinstance(document, str):
            document = {"text": document}
        if not isinstance(document, dict):
            problems.append(InputProblem(origin, "document is not a JSON object; skipped"))
            continue
        text = document.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(InputProblem(origin, "empty document; skipped"))
            continue
        articles.append(
            Article(
                text=text,
                origin=origin,
                format="text",
                title=_string(document.get("title")),
                outlet=_string(document.get("source")),
                byline=_string(document.get("author")),
                published=normalise_date(document.get("date") or document.get("published")),
                url=_string(document.get("url")),
            )
        )
    return DatasetCluster(
        id=record_id,
        articles=tuple(articles),
        references=_references(record),
        extra={key: value for key, value in record.items() if key not in _OWN_FIELDS},
        problems=tuple(problems),
    )


def _references(record: dict[str, object]) -> tuple[str, ...]:
    references = record.get("references")
    if isinstance(references, list):
        found = tuple(r for r in references if isinstance(r, str) and r.strip())
        if found:
            return found
    summary = record.get("summary")
    if isinstance(summary, str) and summary.strip():
        return (summary,)
    return ()


def _string(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def normalise_date(value: object) -> str | None:
    """An ISO 8601 date or date-time for a dataset date, or ``None`` if it is not one.

    ``"19981016"`` -> ``"1998-10-16"``; ISO strings are kept (a space between date and
    time becomes ``T``); RFC 2822 dates from feeds (``"Mon, 19 Jun 2023 10:00:00 GMT"``)
    are parsed.
    """
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    compact = _COMPACT_DATE.match(value)
    if compact:
        try:
            return date(*(int(part) for part in compact.groups())).isoformat()
        except ValueError:
            return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None
