"""Gigantic inputs: what the limits cost in memory and time, each case in a fresh process.

    python benchmarks/bench_hostile.py [--model minilm|lexical] [--only CASE ...]

Cases (the defaults: 200 articles per briefing, 20 MB per input file):

* ``refuse-10000``: ``brief()`` given 10,000 articles (15 MB of text) refuses them at once;
* ``folder-10000``: ``load()`` of a folder of 10,000 article files stops at the limit;
* ``file-100mb``: ``load()`` of one 100 MB file refuses it without reading it;
* ``brief-200``: a full briefing at the limit, 200 articles of one (fictional) story;
* ``ingest-1gb`` / ``feed-300mb``: ``storyweave ingest``'s reader given a 1 GB ``.txt``
  and a 300 MB feed file (refused by their size, unread);
* ``line-1mb`` ... ``line-20mb``: one file of that size on a single line of sentences,
  cleaned and split into sentences (linear now; 20 MB took ~600 s before);
* ``run-5mb``: a 5 MB line without punctuation briefed with two articles (the run is cut
  to its first 1,200 words; before, 6,400 capped sentences were embedded);
* ``cluster-10m``: ``--cluster nope`` on a ``.jsonl.gz`` of 10 million ``{}`` lines (a
  bounded sample of ids for the message, not all of them).

Each case runs in a child process that reports its peak resident memory (``ru_maxrss``)
before and after the operation, so the table shows what the operation itself added on
top of the interpreter, the libraries and the model. The files are written to a
temporary folder first and removed afterwards.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harbour-strike"
CASES = ("refuse-10000", "folder-10000", "file-100mb", "file-19mb", "brief-200",
         "ingest-1gb", "feed-300mb", "line-1mb", "line-2mb", "line-5mb", "line-20mb",
         "run-5mb", "cluster-10m")
#: The sentence a ``line-*`` file repeats (punctuation, abbreviations, a quote).
LINE_SENTENCE = ('Mr. Lee met Gov. Vell at 5 p.m. in the U.S. port, and "we stay," '
                 "the union said. ")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def story_articles(count: int) -> list[str]:
    """``count`` distinct reports of the example story: the six originals, each copy with
    its numbers shifted and a line of its own, so that no two are identical."""
    bases = [p.read_text("utf-8") for p in sorted(EXAMPLE.iterdir())
             if p.suffix in (".txt", ".html")]
    texts = []
    for i in range(count):
        base = bases[i % len(bases)]
        shift = i // len(bases)
        text = re.sub(r"\b\d{1,3}\b", lambda m, s=shift % 5: str(int(m.group()) + s), base)
        texts.append(text + f"\n\nCorrespondent {i} reported that the quays were quiet "
                            f"on Monday morning as the first shift began.\n")
    return texts


def child(case: str, model: str, folder: str) -> dict[str, object]:
    from storyweave import Briefer, BriefOptions, load
    from storyweave.errors import OptionsError
    from storyweave.model import Article

    briefer = Briefer(BriefOptions(model=model))
    _ = briefer.embedder  # the model is loaded before the measurement starts
    result: dict[str, object] = {}
    if case == "refuse-10000":
        text = " ".join(["The port strike ended on Sunday after talks."] * 35)
        articles = [Article(text=f"{i} {text}", origin=f"a{i}.txt") for i in range(10_000)]
        before, started = peak_mb(), time.perf_counter()
        try:
            briefer.brief(articles)
        except OptionsError as error:
            result["message"] = str(error)
    elif case == "folder-10000":
        before, started = peak_mb(), time.perf_counter()
        loaded = load([folder])
        result["message"] = f"{len(loaded.articles)} loaded; " + "; ".join(
            p.problem for p in loaded.problems)
    elif case == "file-100mb":
        before, started = peak_mb(), time.perf_counter()
        loaded = load([str(Path(folder) / "huge.txt")])
        result["message"] = "; ".join(p.problem for p in loaded.problems)
    elif case in ("ingest-1gb", "feed-300mb"):
        from storyweave.ingest.feeds import iter_ingest_inputs

        name = "huge.txt" if case == "ingest-1gb" else "huge.xml"
        before, started = peak_mb(), time.perf_counter()
        items = list(iter_ingest_inputs([str(Path(folder) / name)], BriefOptions(model=model)))
        result["message"] = "; ".join(getattr(i, "problem", "an article") for i in items)
    elif case.startswith("line-"):
        from storyweave.clean import clean
        from storyweave.nlp.sentences import segment

        path = Path(folder) / "line.txt"
        before, started = peak_mb(), time.perf_counter()
        (article,) = load([str(path)]).articles
        cleaned = clean(article)
        cleaned_at = time.perf_counter()
        sentences = segment("s1", cleaned)
        result["message"] = (f"{len(sentences)} sentences; clean {cleaned_at - started:.1f} s, "
                             f"split {time.perf_counter() - cleaned_at:.1f} s")
    elif case == "run-5mb":
        run = Article(text="port strike union talks Sunday " * (5 * 2**20 // 31), origin="run.txt")
        others = [Article(text=t, origin=f"r{i}.txt") for i, t in enumerate(story_articles(2))]
        before, started = peak_mb(), time.perf_counter()
        briefing = briefer.brief([run, *others])
        result["message"] = (f"{len(briefing.sources[0].sentences)} sentences of the run "
                             f"briefed, {sum(len(s.sentences) for s in briefing.sources)} in all")
        result["stages"] = {k: round(v, 2) for k, v in briefer.last_timings.items()}
    elif case == "cluster-10m":
        before, started = peak_mb(), time.perf_counter()
        loaded = load([str(Path(folder) / "many.jsonl.gz")], cluster="nope")
        result["message"] = "; ".join(p.problem for p in loaded.problems)
    elif case == "file-19mb":
        # Just under the 20 MB input limit, briefed whole: the sentence budget bounds it.
        before, started = peak_mb(), time.perf_counter()
        loaded = load([str(Path(folder) / "big.txt")])
        briefing = briefer.brief(loaded.articles)
        result["message"] = (f"{sum(len(s.sentences) for s in briefing.sources)} sentences "
                             f"briefed; note: {' '.join(briefing.notes)}")
        result["stages"] = {k: round(v, 2) for k, v in briefer.last_timings.items()}
    else:
        articles = [Article(text=t, origin=f"r{i}.txt", format="html" if "<html" in t else "text")
                    for i, t in enumerate(story_articles(200))]
        before, started = peak_mb(), time.perf_counter()
        briefing = briefer.brief(articles)
        result["message"] = (f"{len(briefing.sources)} sources, "
                             f"{sum(len(s.sentences) for s in briefing.sources)} sentences, "
                             f"{len(briefing.facts)} facts")
        result["stages"] = {k: round(v, 2) for k, v in briefer.last_timings.items()}
    result |= {"seconds": time.perf_counter() - started, "before_mb": before,
               "peak_mb": peak_mb()}
    return result


def prepare(case: str, folder: Path) -> None:
    if case == "folder-10000":
        text = (EXAMPLE / "ardanian-press-agency.txt").read_text("utf-8")
        for i in range(10_000):
            (folder / f"{i:05d}.txt").write_text(f"{text}\n\nFile {i}.\n", "utf-8")
    elif case == "file-19mb":
        with (folder / "big.txt").open("w", encoding="utf-8") as handle:
            for i in range(19 * 2**20 // 90):  # distinct sentences, ~90 bytes each
                handle.write(f"Crane {i} at the port of Velmora moved {i % 97} containers "
                             f"before shift {i % 13} ended.\n")
    elif case in ("ingest-1gb", "feed-300mb"):
        size = 2**30 if case == "ingest-1gb" else 300 * 2**20
        with (folder / ("huge.txt" if case == "ingest-1gb" else "huge.xml")).open("wb") as handle:
            handle.truncate(size)  # sparse: the reader sees zeros, the disk holds nothing
    elif case.startswith("line-"):
        size = int(case.split("-")[1].removesuffix("mb")) * 2**20
        (folder / "line.txt").write_text(LINE_SENTENCE * (size // len(LINE_SENTENCE)), "utf-8")
    elif case == "cluster-10m":
        with gzip.open(folder / "many.jsonl.gz", "wb", compresslevel=1) as handle:
            for _ in range(100):
                handle.write(b"{}\n" * 100_000)
    elif case == "file-100mb":
        line = ("The port strike ended on Sunday after fourteen hours of talks, "
                "the union said. ") * 8 + "\n"
        with (folder / "huge.txt").open("w", encoding="utf-8") as handle:
            for _ in range(100 * 2**20 // len(line) + 1):  # a real file, not a sparse one
                handle.write(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--only", nargs="*", choices=CASES, default=list(CASES))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.model, args.child[1])))
        return
    print(f"python benchmarks/bench_hostile.py --model {args.model}")
    print(f"machine: {os.cpu_count()} cores; peak RSS (ru_maxrss) of a fresh process per case\n")
    print("| case | time (s) | peak RSS before (MB) | peak RSS after (MB) | added (MB) | outcome |")
    print("|---|---:|---:|---:|---:|---|")
    for case in args.only:
        with tempfile.TemporaryDirectory(prefix="sw-hostile-") as folder:
            prepare(case, Path(folder))
            out = subprocess.run(
                [sys.executable, __file__, "--model", args.model, "--child", case, folder],
                capture_output=True, text=True, check=True,
            ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        message = str(r["message"]).replace("|", "/")
        print(f"| {case} | {r['seconds']:.2f} | {r['before_mb']:.0f} | {r['peak_mb']:.0f} | "
              f"{r['peak_mb'] - r['before_mb']:.0f} | {message} |")
        if "stages" in r:
            print(f"|  | stages (s): {r['stages']} | | | | |")


if __name__ == "__main__":
    main()
