"""Quotes: who said what, found in each source and consolidated across the cluster.

Per source (:func:`extract_mentions`): every quoted statement and every indirect report
that :mod:`storyweave.nlp.attribution` finds in a paragraph (all quotation styles; the
speaker taken from the reporting cue before or after it), its speaker phrase turned into
a name by :mod:`storyweave.nlp.speakers` (pronouns and descriptions mean someone the
source named; a follow-on quote keeps the previous speaker); and each transcript turn.

Across the cluster (:func:`find_quotes`): speakers resolved to one canonical name
("Smith", "SMITH", "Ms. Smith", "the foreign minister" -> "Jane Smith"), then the
mentions that carry the same statement, even worded a little differently, merged into
one :class:`~storyweave.model.Quote`. A speaker that is still not a name after that is
dropped (the quote shows as unattributed); an indirect report without a named speaker is
dropped altogether.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Quote, QuoteKind, QuoteMention, Sentence, Source
from . import attribution, names, speakers
from .tokens import wordset

#: A transcript turn shorter than this ("Yeah.", "Thank you.") is not a statement.
MIN_TURN_WORDS = 4
#: A report that names nobody is kept only when it quotes at least this many words
#: ('a top adviser says he is on a "glide path"'), not a lone scare word ('officials called
#: the plan "bold"'). Leave-one-publisher-out CV on PolNeAR (benchmarks/cv_quotes.py)
#: prefers 1, which finds about half a point more of PolNeAR's partly quoted reports; 2 is
#: kept because a reader gains nothing from a nameless report around one scare word.
MIN_OWN_WORDS = 2
#: An unattributed quote takes the speaker of the quote before it when that one began at
#: most this many sentences earlier ('"A," she said. ... "B."').
FOLLOW_ON_SENTENCES = 3
#: A description no role ties to anyone ('said the Texas senator') means the speaker of a
#: statement at most this many sentences before it. PolNeAR's speaker rule cannot reward
#: this (its gold speaker is the description itself), so CV there is indifferent or
#: prefers it off; every change it made on PolNeAR was checked by hand and was right.
DESCRIBED_SPEAKER = 2
#: Two mentions carry one statement when this share of the shorter one's words appears
#: in the longer one. Calibrated on hand-written variants (tests/test_quotes.py): a
#: trimmed clause or one or two swapped words score >= 0.7, two different statements by
#: one speaker score <= 0.45 (they share only function words and the topic noun).
SAME_STATEMENT = 0.6
#: ...and share at least this many content words (so "we will not" is not enough).
MIN_SHARED_CONTENT = 2

_PRONOUNS = frozenset({"he", "she", "they"})
_WORD = re.compile(r"[\w’']+")
_NEWSWIRE = (("``", "“"), ("''", "”"))
_QUOTED_PART = re.compile(r"[\"“«]([^\"“”«»]+)[\"”»]")

#: Function words: they do not make two quotes the same statement.
_STOPWORDS = wordset(
    """
    a an the and or but if of to in on at by for with from as is are was were be been
    being it its this that these those i we you he she they me us him her them my our
    your his their will would can could should shall may might must do does did have has
    had not no so than then there here what which who whom when where why how all any
    some just very also about into over up out more most such only own same too s t
    don't it's we're i'm
    """
)


@dataclass(slots=True)
class _Span:
    """A statement inside one paragraph, before it becomes a mention."""

    text: str
    kind: QuoteKind
    sentence_ids: list[str]
    first_sentence: int  # index into the source's sentences
    written: str | None  # the speaker phrase as the source wrote it
    name: str | None  # ...and the name it means in this source
    attributed: bool  # a reporting cue was found next to it
    closed: bool  # False when the paragraph ends inside the quote (it continues)
    opens_paragraph: bool


def extract_mentions(source: Source) -> list[QuoteMention]:
    """The quoted statements, indirect reports and (for transcripts) speaker turns of one
    source.

    >>> from storyweave.model import Sentence, Source
    >>> s = Sentence("s1.1", "s1", 0, 0, '"We will rebuild the harbour," the mayor said.')
    >>> src = Source("s1", "a.txt", None, None, None, None, None, "article", (s,), ())
    >>> extract_mentions(src)[0].speaker_as_written
    'the mayor'
    """
    mentions: list[QuoteMention] = []
    if source.kind == "transcript":
        mentions.extend(_transcript_turns(source))
    people = speakers.SourcePeople.from_sentences(source.sentences)
    spans: list[_Span] = []
    for paragraph in _paragraphs(s for s in source.sentences if s.turn_speaker is None):
        spans.extend(_paragraph_spans(paragraph, people))
    for span in _follow_on(spans, source.sentences, people):
        nameless = span.kind == "indirect" and span.name is None
        if nameless and not _may_resolve(span.written) and not _holds_own_words(span.text):
            continue  # "officials said the plan would fail": nobody to attribute it to
        mentions.append(
            QuoteMention(
                text=span.text,
                speaker_as_written=_as_written(span),
                source_id=source.id,
                sentence_ids=tuple(span.sentence_ids),
                kind=span.kind,
            )
        )
    mentions.sort(key=lambda m: _sentence_key(m.sentence_ids[0]))
    return mentions


def _as_written(span: _Span) -> str | None:
    """What the source wrote when it wrote a name; else the name a pronoun or description
    means there ("she" -> "Jane Smith"), else the description itself."""
    if span.written is not None and speakers.name_of(span.written.split(",")[0]) is not None:
        return span.written
    return span.name or span.written


def find_quotes(sources: Sequence[Source]) -> tuple[Quote, ...]:
    """Every statement quoted or reported in the cluster, speakers resolved to names,
    outlets' versions merged.

    Ordered by how many sources carry the statement, then by first appearance.
    """
    mentions = [m for source in sources for m in extract_mentions(source)]
    if not mentions:
        return ()
    texts = [s.text for src in sources for s in src.sentences]
    resolver = names.SpeakerResolver.from_texts(texts)
    known = speakers.KnownWords.from_texts(texts)
    resolved = [_resolve(resolver, known, m.speaker_as_written) for m in mentions]
    # A report with nobody named is kept only when it holds someone's own (quoted) words.
    keep = [
        i for i, m in enumerate(mentions)
        if m.kind != "indirect" or resolved[i] or _holds_own_words(m.text)
    ]
    mentions = [mentions[i] for i in keep]
    resolved = [resolved[i] for i in keep]
    if not mentions:
        return ()
    groups = _consolidate(mentions, [_speaker_key(s) for s in resolved])
    quotes = [_make_quote(mentions, resolved, group) for group in groups]
    first_seen = [min(group) for group in groups]
    order = sorted(range(len(quotes)), key=lambda i: (-len(quotes[i].source_ids), first_seen[i]))
    return tuple(quotes[i] for i in order)


def _resolve(
    resolver: names.SpeakerResolver, known: speakers.KnownWords, written: str | None
) -> str | None:
    """The name to show for a speaker as one source wrote it, or ``None``."""
    candidate = _name_in(written)
    if candidate is None:
        return None
    if speakers.is_organisation(candidate):
        speaker: str | None = candidate  # "State Department": no title to strip
    elif speakers.looks_like_name(candidate):
        speaker = resolver.resolve(candidate)  # the fullest form the cluster writes
    elif candidate.lower().startswith("the "):
        speaker = resolver.resolve(candidate)  # a role the cluster may tie to one person...
        if speaker is not None and len(speaker.split()) < 2:
            return None  # ...named in full ("Geneva, a public prosecutor" ties nobody)
    else:
        return None  # "NTV television news", "a young woman who": nobody named
    return _as_name(speaker, known)


def _as_name(speaker: str | None, known: speakers.KnownWords) -> str | None:
    """The resolved speaker when it is a name (or holds one: "the CPP" -> "CPP");
    otherwise nobody ("the ruling", "a young woman who", "Americans", "Texas")."""
    if speaker is not None and not speakers.looks_like_name(speaker):
        speaker = speakers.name_of(speaker)
    if speaker is None or not speakers.looks_like_name(speaker):
        return None
    return speaker if known.plausible(speaker) else None


def _holds_own_words(text: str) -> bool:
    """Whether a reported clause quotes a statement, not just a word or two ("bold")."""
    quoted = _QUOTED_PART.findall(text)
    return any(len(part.split()) >= MIN_OWN_WORDS for part in quoted)


def _name_in(written: str | None) -> str | None:
    """The name a written speaker phrase holds ("conservative activist Bob Klaus, who ..."
    -> "Bob Klaus"); the phrase itself when it holds none ("the minister")."""
    if written is None:
        return None
    head = written.split(",", 1)[0]
    named = speakers.name_of(head)
    if named is None and "," in written:
        named = speakers.name_of(written.split(",", 1)[1])  # "a spokeswoman, Ana Ruiz"
    return named or written


def _may_resolve(written: str | None) -> bool:
    """A description ("the minister") that the cluster's role ties may still name."""
    if written is None:
        return False
    first = written.split()[0].lower() if written.split() else ""
    return first in ("the",) and len(written.split()) <= 4


# --- per source ---------------------------------------------------------------------------


def _transcript_turns(source: Source) -> Iterable[QuoteMention]:
    """One mention per run of consecutive sentences with the same speaker label.

    The programme's own voices (a label with a host or reporter role, and the short
    "AUREN:" labels of the same people later on) narrate; they are not quoted.
    """
    narrators = _narrators(source)
    run: list[Sentence] = []
    for sentence in [*source.sentences, None]:
        if run and (sentence is None or sentence.turn_speaker != run[0].turn_speaker):
            text = " ".join(s.text for s in run)
            speaker = names.split_label(run[0].turn_speaker or "").name
            narrating = names.surname(speaker).lower() in narrators
            if len(text.split()) >= MIN_TURN_WORDS and not narrating:
                yield QuoteMention(
                    text=text,
                    speaker_as_written=speaker,
                    source_id=source.id,
                    sentence_ids=tuple(s.id for s in run),
                    kind="transcript",
                )
            run = []
        if sentence is not None and sentence.turn_speaker is not None:
            run.append(sentence)


def _narrators(source: Source) -> set[str]:
    """Lower-case surnames of the speakers labelled with a narrator role in ``source``."""
    found = set()
    for sentence in source.sentences:
        label = sentence.turn_speaker
        if label and names.is_narrator(label):
            name = names.split_label(label).name
            if name:
                found.add(names.surname(name).lower())
    return found


def _paragraphs(sentences: Iterable[Sentence]) -> list[list[Sentence]]:
    """Group consecutive sentences of one paragraph."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        if groups and groups[-1][-1].paragraph == sentence.paragraph:
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return groups


def _paragraph_spans(paragraph: list[Sentence], people: speakers.SourcePeople) -> list[_Span]:
    """The statements of one paragraph, each with its speaker phrase and name."""
    bounds: list[tuple[int, int]] = []
    pieces: list[str] = []
    offset = 0
    for sentence in paragraph:
        bounds.append((offset, offset + len(sentence.text)))
        pieces.append(sentence.text)
        offset += len(sentence.text) + 1
    text = " ".join(pieces)
    spans = []
    for found in attribution.paragraph_attributions(text, bounds):
        if found.kind == "quoted":
            content = _join_pieces([_clean_quote(text[a:b]) for a, b in found.pieces])
        else:
            content = _clean_clause(" ".join(text[a:b] for a, b in found.pieces))
        if not _WORD.search(content):
            continue
        covered = [
            i for i, (a, b) in enumerate(bounds)
            if any(a < end and b > start for start, end in found.pieces)
        ]
        if not covered:
            continue
        at = next((i for i, (a, b) in enumerate(bounds) if a <= found.speaker_at <= b), covered[0])
        sentence = paragraph[at]
        name = people.resolve(found.speaker, sentence.index, found.speaker_at - bounds[at][0])
        spans.append(
            _Span(
                text=content,
                kind="indirect" if found.kind == "indirect" else "quoted",
                sentence_ids=[paragraph[i].id for i in covered],
                first_sentence=paragraph[covered[0]].index,
                written=_strip_speaker(found.speaker),
                name=name,
                attributed=found.attributed,
                closed=found.closed,
                opens_paragraph=found.opens_paragraph,
            )
        )
    return spans


def _clean_quote(inner: str) -> str:
    """Quoted words only: trim spaces, stray marks and a clause-joining comma."""
    inner = " ".join(inner.replace("``", "").replace("''", "").split())
    return inner.strip(" \"“”'‘’«»„").rstrip(",;:—– ").strip()


def _join_pieces(pieces: list[str]) -> str:
    """One statement from the pieces an attribution cut: '"We will rebuild," she said,
    "and fast."' reads "We will rebuild, and fast."; a new sentence gets its full stop."""
    text = pieces[0]
    for piece in pieces[1:]:
        if not piece:
            continue
        if piece[:1].islower():
            text = f"{text}, {piece}"
        else:
            text = f"{text}{'' if text[-1:] in '.!?' else '.'} {piece}"
    return text


def _clean_clause(clause: str) -> str:
    """A reported clause as the reader sees it: newswire marks as curly quotes."""
    for old, new in _NEWSWIRE:
        clause = clause.replace(old, new)
    return " ".join(clause.split()).rstrip(",;:—– ").strip()


def _strip_speaker(speaker: str | None) -> str | None:
    """Tidy a speaker phrase; ``None`` when it is not a speaker at all."""
    if speaker is None:
        return None
    speaker = " ".join(speaker.split()).strip(" ,")
    last = speaker.rsplit(" ", 1)[-1]
    if last.endswith(".") and len(last) > 3 and last not in {"Jr.", "Sr.", "Inc.", "Corp."}:
        speaker = speaker[:-1]  # 'said Ms. Smith.': the sentence's period
    first = speaker.split()[0].lower() if speaker else ""
    if not speaker or first in {"it", "this", "that", "there", "which", "who", "what", "i",
                                "we", "you"}:
        return None
    return speaker


def _follow_on(
    spans: list[_Span], sentences: Sequence[Sentence], people: speakers.SourcePeople
) -> list[_Span]:
    """Give unattributed quotes the speaker a colon introduced ("Cruz continued:") or the
    previous quote's speaker, and join quotes that run on into the next paragraph."""
    result: list[_Span] = []
    for span in spans:
        previous = next((s for s in reversed(result) if s.kind == "quoted"), None)
        near = (
            previous is not None
            and span.first_sentence - _last_index(previous) <= FOLLOW_ON_SENTENCES
        )
        if span.kind == "quoted" and not span.attributed:
            if previous is not None and near and not previous.closed and span.opens_paragraph:
                # The quote runs on from the previous paragraph: one statement.
                previous.text = f"{previous.text} {span.text}"
                previous.sentence_ids += span.sentence_ids
                previous.closed = span.closed
                continue
            intro = sentences[span.first_sentence - 1] if span.first_sentence > 0 else None
            if span.opens_paragraph and intro is not None and intro.text.rstrip().endswith(":"):
                written = attribution.introducer(intro.text.rstrip().rstrip(":"))
                if written is not None:  # "Cruz continued:" then the quote's paragraph
                    span.written = _strip_speaker(written)
                    span.name = people.resolve(written, intro.index)
                    span.attributed = True
            if not span.attributed and previous is not None and near:
                span.written, span.name = previous.written, previous.name  # '"A," she said. "B."'
        if span.name is None and _is_description(span.written):
            # '"...," said the former aide.' right after Ari Fleischer spoke: the same man.
            last = next((s for s in reversed(result) if s.name is not None), None)
            if last is not None and span.first_sentence - _last_index(last) <= DESCRIBED_SPEAKER:
                span.name = last.name
        if span.written is not None and span.written.split()[0].lower() in _PRONOUNS:
            span.written = None  # a pronoun that names nobody the source named
        result.append(span)
    return result


def _is_description(written: str | None) -> bool:
    """ "the Texas senator", "the Republican nominee": a definite description of a person,
    the way news re-mentions someone it has just named."""
    if written is None or not written.lower().startswith("the "):
        return False
    head = written.split(",")[0].split()
    if head[-1].lower() not in speakers.REMENTION_NOUNS:
        return False  # "the Clinton campaign", "the exit polls": not a person re-mentioned
    return speakers.name_of(" ".join(head)) is None


def _last_index(span: _Span) -> int:
    """The 0-based index of the last sentence a span covers."""
    number = span.sentence_ids[-1].rsplit(".", 1)[-1]
    return int(number) - 1 if number.isdigit() else span.first_sentence


# --- across the cluster -------------------------------------------------------------------


def _speaker_key(speaker: str | None) -> str | None:
    """Compare speakers without case or a leading article ("a"/"the spokesperson")."""
    if speaker is None:
        return None
    words = speaker.lower().split()
    if words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def _tokens(text: str) -> list[str]:
    return [t.replace("’", "'") for t in _WORD.findall(text.lower())]


def _consolidate(mentions: list[QuoteMention], keys: list[str | None]) -> list[list[int]]:
    """Group mention indices that carry one statement (union-find, speaker-compatible)."""
    token_sets = [set(_tokens(m.text)) for m in mentions]
    content = [t - _STOPWORDS for t in token_sets]
    index: dict[str, list[int]] = {}
    for i, words in enumerate(content):
        for word in words:
            index.setdefault(word, []).append(i)
    pairs: list[tuple[float, int, int]] = []
    for i, words in enumerate(content):
        shared: dict[int, int] = {}
        for word in words:
            for j in index[word]:
                if j > i:
                    shared[j] = shared.get(j, 0) + 1
        for j, count in shared.items():
            if keys[i] and keys[j] and keys[i] != keys[j]:
                continue
            if count < min(MIN_SHARED_CONTENT, len(words), len(content[j])):
                continue
            smaller = min(len(token_sets[i]), len(token_sets[j]))
            score = len(token_sets[i] & token_sets[j]) / smaller if smaller else 0.0
            if score >= SAME_STATEMENT:
                pairs.append((score, i, j))
    parent = list(range(len(mentions)))
    speaker_of: list[str | None] = list(keys)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        a, b = root(i), root(j)
        if a == b or (speaker_of[a] and speaker_of[b] and speaker_of[a] != speaker_of[b]):
            continue
        low, high = min(a, b), max(a, b)
        parent[high] = low
        speaker_of[low] = speaker_of[low] or speaker_of[high]
    groups: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        groups.setdefault(root(i), []).append(i)
    return [groups[key] for key in sorted(groups)]


def _make_quote(
    mentions: list[QuoteMention], resolved: list[str | None], group: list[int]
) -> Quote:
    members = [mentions[i] for i in group]
    known = [resolved[i] for i in group if resolved[i]]
    speaker = max(known, key=known.count) if known else None  # max keeps the first on ties
    # The words someone said beat a reporter's paraphrase of them.
    verbatim = [m for m in members if m.kind != "indirect"] or members
    fullest = max(verbatim, key=lambda m: len(m.text.split()))
    kinds = {m.kind for m in members}
    kind: QuoteKind = (
        "quoted" if "quoted" in kinds else "transcript" if "transcript" in kinds else "indirect"
    )
    sentence_ids = sorted({sid for m in members for sid in m.sentence_ids}, key=_sentence_key)
    source_ids = sorted({m.source_id for m in members}, key=_source_key)
    return Quote(
        speaker=speaker,
        text=fullest.text,
        sentence_ids=tuple(sentence_ids),
        source_ids=tuple(source_ids),
        mentions=tuple(members),
        kind=kind,
    )


def _source_key(source_id: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", source_id)
    return (int(digits) if digits else 0, source_id)


def _sentence_key(sentence_id: str) -> tuple[tuple[int, str], int]:
    source_id, _, number = sentence_id.partition(".")
    return (_source_key(source_id), int(number) if number.isdigit() else 0)
