"""Small builders for stage objects, so tests state only what matters to them."""

from __future__ import annotations

from storyweave.model import (
    Briefing,
    Divergence,
    Entity,
    Fact,
    FramingNote,
    InputProblem,
    OutletView,
    Quote,
    QuoteMention,
    RemovedLine,
    Sentence,
    Side,
    Source,
    SummarySentence,
    TimelineEvent,
)


def make_source(number: int, texts: list[str], **fields: object) -> Source:
    """Source ``s<number>`` with one sentence per text, one paragraph each."""
    source_id = f"s{number}"
    sentences = tuple(
        Sentence(id=f"{source_id}.{i + 1}", source_id=source_id, index=i, paragraph=i, text=t)
        for i, t in enumerate(texts)
    )
    values: dict[str, object] = {
        "id": source_id, "origin": f"{source_id}.txt", "title": None, "outlet": None,
        "byline": None, "published": None, "url": None, "kind": "article",
        "sentences": sentences, "removed": (),
    }
    values.update(fields)
    return Source(**values)  # type: ignore[arg-type]


def make_briefing(hostile: str = "") -> Briefing:
    """A two-source briefing; ``hostile`` is appended to every piece of source text."""
    s1 = make_source(
        1,
        [f"The dockers' strike ended on Sunday after talks.{hostile}",
         f"“We kept our word,” Marta Ilves said.{hostile}",
         f"At least 52 ships waited offshore.{hostile}"],
        outlet=f"Velmora Ledger{hostile}", title=f"Strike ends{hostile}",
        removed=(RemovedLine(1, f"Sign up for our newsletter{hostile}", "newsletter prompt"),),
        url="https://ledger.example/strike",
    )
    s2 = make_source(
        2,
        [f"Velmora's dock strike ended on Sunday after overnight talks.{hostile}",
         f"About 40 ships waited offshore.{hostile}",
         f"The harbour master resigned on Monday.{hostile}"],
        outlet=f"Coast Radio{hostile}", kind="transcript",
    )
    fact = Fact(id="f1", text=s1.sentences[0].text, representative="s1.1",
                sentence_ids=("s1.1", "s2.1"), source_ids=("s1", "s2"), centrality=0.9)
    single = Fact(id="f2", text=s2.sentences[1].text, representative="s2.2",
                  sentence_ids=("s2.2",), source_ids=("s2",), centrality=0.5)
    other = Fact(id="f3", text=s1.sentences[2].text, representative="s1.3",
                 sentence_ids=("s1.3",), source_ids=("s1",), centrality=0.4)
    alone = Fact(id="f4", text=s2.sentences[2].text, representative="s2.3",
                 sentence_ids=("s2.3",), source_ids=("s2",), centrality=0.3)
    mention = QuoteMention(text=f"We kept our word{hostile}", speaker_as_written="Ilves",
                           source_id="s1", sentence_ids=("s1.2",))
    quote = Quote(speaker=f"Marta Ilves{hostile}", text=mention.text, sentence_ids=("s1.2",),
                  source_ids=("s1",), mentions=(mention,))
    return Briefing(
        sources=(s1, s2),
        summary=(SummarySentence(text=fact.text, fact_id="f1", citations=fact.sentence_ids,
                                 source_ids=fact.source_ids),),
        facts=(fact, single, other, alone),
        quotes=(quote,),
        problems=(InputProblem(f"bad{hostile}.txt", f"empty file{hostile}"),),
        notes=(),
        settings={"words": 150},
        divergences=(
            Divergence(
                kind="conflict",
                summary=f"Sources differ on ships offshore{hostile}",
                sides=(Side(f"About 40 ships{hostile}", ("s2.2",), ("s2",), f"about 40{hostile}"),
                       Side(f"At least 52{hostile}", ("s1.3",), ("s1",), "at least 52")),
                fact_ids=("f2", "f3"),
            ),
            Divergence(kind="single_source", summary=f"Reported only by Coast Radio{hostile}",
                       sides=(Side(s2.sentences[2].text, ("s2.3",), ("s2",)),), fact_ids=("f4",)),
        ),
        entities=(Entity(name=f"Marta Ilves{hostile}", type="person",
                         roles=(f"union leader{hostile}",), source_ids=("s1",),
                         citations=("s1.2",)),),
        timeline=(TimelineEvent(when=f"on Sunday{hostile}", date="2026-03-15",
                                text=s1.sentences[0].text, citations=("s1.1",),
                                source_ids=("s1",)),),
        outlets=(OutletView(source_id="s2", unique=("f4",), missing=(),
                            framing=(FramingNote(term=f"so-called{hostile}", kind="hedge",
                                                 citation="s2.2", note=f"Others: plain{hostile}"),)),
                 OutletView(source_id="s1", unique=(), missing=("f2",), framing=())),
    )
