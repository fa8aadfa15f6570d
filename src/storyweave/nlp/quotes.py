"""Quotes: who said what, found in each source and consolidated across the cluster.

Per source (:func:`extract_mentions`): text in quotation marks (straight, curly or the
newswire ``...'' pair) with the speaker taken from a reporting verb before or after it
(``"...," she said`` / ``said Smith`` / ``Smith said: "..."`` / ``according to Smith``),
pronouns resolved to the person named just before; and each transcript turn.

Across the cluster (:func:`find_quotes`): speakers resolved to one canonical name
("Smith", "SMITH", "Ms. Smith", "the foreign minister" -> "Jane Smith"), then the
mentions that carry the same statement, even worded a little differently, merged into
one :class:`~storyweave.model.Quote`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Quote, QuoteMention, Sentence, Source
from . import names
from .tokens import wordset

#: Quoted spans shorter than this many words are scare quotes or titles ("so-called
#: "reform"") unless a reporting verb attributes them directly.
MIN_QUOTE_WORDS = 4
#: A transcript turn shorter than this ("Yeah.", "Thank you.") is not a statement.
MIN_TURN_WORDS = 4
#: How many sentences back a pronoun ("she said") may look for the person it means.
PRONOUN_WINDOW = 4
#: Two mentions carry one statement when this share of the shorter one's words appears
#: in the longer one. Calibrated on hand-written variants (tests/test_quotes.py): a
#: trimmed clause or one or two swapped words score >= 0.7, two different statements by
#: one speaker score <= 0.45 (they share only function words and the topic noun).
SAME_STATEMENT = 0.6
#: ...and share at least this many content words (so "we will not" is not enough).
MIN_SHARED_CONTENT = 2

REPORTING_VERBS = wordset(
    """
    said says say told tells added adds stated states declared declares warned warns
    insisted insists argued argues explained explains noted notes wrote writes tweeted
    tweets asked asks replied replies responded responds continued recalled recalls
    acknowledged admitted announced announces claimed claims conceded confirmed confirms
    cautioned emphasized emphasised stressed urged vowed predicted observed remarked
    commented suggested testified shouted exclaimed posted quipped countered agreed
    complained conceded concluded joked mused pleaded promised reiterated repeated
    boasted charged alleged
    """
)
_VERB = r"(?:" + "|".join(sorted(REPORTING_VERBS, key=lambda v: (-len(v), v))) + r")\b"
_VERB_RE = re.compile(r"\b" + _VERB)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
_PRONOUNS = frozenset({"he", "she", "they"})
_KEEP_DOT = frozenset({"Jr.", "Sr.", "Inc.", "Corp.", "Ltd.", "Bros."})

# A capitalised name phrase, with particles and initials: "Jane Smith", "Foreign Minister
# Jane Smith", "George W. Bush", "Ahmed bin Salem".
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|der|da|del|bin|al|la|le))*"
# A role phrase led by an article: "the minister", "a ministry spokesperson".
_ROLE = r"(?:the|a|an|one|another|The|A|An|One|Another)\s+(?:[\w'’-]+\s+){0,5}?[\w'’-]+"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_APPOSITIVE = r"(?:,\s+[^,\"“”`]{2,80}?,)?"
_SPEAKER = rf"(?:{_PRONOUN}|{_NAME}{_APPOSITIVE}|{_ROLE}{_APPOSITIVE})"
_ADVERB = r"(?:\s+(?:also|later|then|again|once|simply|earlier|previously|recently|[a-z]+ly))?"
_SPEAKER_THEN_VERB = re.compile(rf"^({_SPEAKER}){_ADVERB}\s*$")
_SPEAKER_ENDING = re.compile(rf"(?:^|(?<=[\s(,;—–-]))({_SPEAKER}){_ADVERB}\s*$")
# After a verb: "said Jane Smith, the foreign minister." / "said the minister".
_SPEAKER_AFTER_VERB = re.compile(
    rf"^\s*(?:{_PRONOUN}\b|({_NAME}|{_ROLE})(,\s+(?:the|a|an)\s+[^,.;\"“”`]{{2,60}})?)"
)
_COLON_ATTRIBUTION = re.compile(
    rf"(?:^|(?<=[\s(,;]))({_SPEAKER}){_ADVERB}\s+[a-z]+ed\b[^:\"“”`]{{0,40}}:\s*$"
)
# "Ruth Kallan, whose son Tomas, 19, died in the crash, said": the speaker is the owner.
_WHOSE = re.compile(rf"({_NAME}),\s+whose\s+[a-z]+\s+$")
_LEADING_JUNK = re.compile(r"^[\s,;:.!?—–-]+")
_WORD = re.compile(r"[\w’']+")

_QUOTED = re.compile(r"(``|“|\").*?(''|”|\"|$)")
_MARKS = re.compile(r"``|''|[\"“”„]")
_OPEN_CONTEXT = frozenset(" ([{—–-/")

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
    """A quoted span inside one paragraph, before it becomes a mention."""

    text: str
    sentence_ids: list[str]
    first_sentence: int  # index into the source's sentences
    speaker: str | None
    attributed: bool  # a reporting verb (or pronoun) was found next to it
    closed: bool  # False when the paragraph ends inside the quote (it continues)
    opens_paragraph: bool


def extract_mentions(source: Source) -> list[QuoteMention]:
    """The direct quotes (and, for transcripts, the speaker turns) of one source.

    >>> from storyweave.model import Sentence, Source
    >>> s = Sentence("s1.1", "s1", 0, 0, '"We will rebuild the harbour," the mayor said.')
    >>> src = Source("s1", "a.txt", None, None, None, None, None, "article", (s,), ())
    >>> extract_mentions(src)[0].speaker_as_written
    'the mayor'
    """
    mentions: list[QuoteMention] = []
    if source.kind == "transcript":
        mentions.extend(_transcript_turns(source))
    spans: list[_Span] = []
    for paragraph in _paragraphs(s for s in source.sentences if s.turn_speaker is None):
        spans.extend(_paragraph_spans(paragraph, source.sentences))
    spans = _inherit_speakers(spans, source.sentences)
    for span in spans:
        if len(span.text.split()) < MIN_QUOTE_WORDS and not span.attributed:
            continue
        mentions.append(
            QuoteMention(
                text=span.text,
                speaker_as_written=span.speaker,
                source_id=source.id,
                sentence_ids=tuple(span.sentence_ids),
            )
        )
    mentions.sort(key=lambda m: _sentence_key(m.sentence_ids[0]))
    return mentions


def find_quotes(sources: Sequence[Source]) -> tuple[Quote, ...]:
    """Every statement quoted in the cluster, speakers resolved, outlets' versions merged.

    Ordered by how many sources carry the statement, then by first appearance.
    """
    mentions = [m for source in sources for m in extract_mentions(source)]
    if not mentions:
        return ()
    resolver = names.SpeakerResolver.from_texts(s.text for src in sources for s in src.sentences)
    speakers = [resolver.resolve(m.speaker_as_written) for m in mentions]
    groups = _consolidate(mentions, [_speaker_key(s) for s in speakers])
    quotes = [_make_quote(mentions, speakers, group) for group in groups]
    first_seen = [min(group) for group in groups]
    order = sorted(range(len(quotes)), key=lambda i: (-len(quotes[i].source_ids), first_seen[i]))
    return tuple(quotes[i] for i in order)


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


def _quote_pairs(text: str) -> list[tuple[int, int, int, int]]:
    """(open mark start, inner start, inner end, close mark end) per quoted span.

    The close mark end is -1 when the paragraph ends inside the quote.
    """
    pairs: list[tuple[int, int, int, int]] = []
    open_at: tuple[int, int] | None = None
    for match in _MARKS.finditer(text):
        mark, start, end = match.group(), match.start(), match.end()
        if mark in ("``", "“", "„"):
            opening = True
        elif mark in ("''", "”"):
            opening = False
        else:  # a straight quote opens after a space and before a word
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            opening = open_at is None and (before in _OPEN_CONTEXT) and not after.isspace()
        if opening:
            open_at = (start, end)  # an unclosed earlier mark is a stray: drop it
        elif open_at is not None:
            pairs.append((open_at[0], open_at[1], start, end))
            open_at = None
    if open_at is not None and len(text) - open_at[1] > 1:
        # News style: a quote running on into the next paragraph has no closing mark.
        pairs.append((open_at[0], open_at[1], len(text), -1))
    return pairs


def _paragraph_spans(paragraph: list[Sentence], all_sentences: Sequence[Sentence]) -> list[_Span]:
    """The quoted spans of one paragraph, each with its attribution."""
    bounds: list[tuple[int, int]] = []
    pieces: list[str] = []
    offset = 0
    for sentence in paragraph:
        bounds.append((offset, offset + len(sentence.text)))
        pieces.append(sentence.text)
        offset += len(sentence.text) + 1
    text = " ".join(pieces)
    spans = []
    for open_start, inner_start, inner_end, close_end in _quote_pairs(text):
        raw = text[inner_start:inner_end].rstrip()
        inner = _clean_quote(raw)
        if not _WORD.search(inner):
            continue
        covered = [i for i, (a, b) in enumerate(bounds) if a < inner_end and b > inner_start]
        if not covered:
            continue
        first, last = covered[0], covered[-1]
        closed = close_end >= 0
        after = text[close_end : bounds[last][1]] if closed else ""
        before = text[bounds[first][0] : open_start]
        short = len(inner.split()) < MIN_QUOTE_WORDS
        speaker, attributed = _attribution(before, after, short, raw)
        spans.append(
            _Span(
                text=inner,
                sentence_ids=[paragraph[i].id for i in covered],
                first_sentence=paragraph[first].index,
                speaker=speaker,
                attributed=attributed,
                closed=closed,
                opens_paragraph=open_start == 0,
            )
        )
    return spans


def _clean_quote(inner: str) -> str:
    """Quoted words only: trim spaces, stray marks and a clause-joining comma."""
    inner = " ".join(inner.replace("``", "").replace("''", "").split())
    return inner.strip(" \"“”'").rstrip(",;:—– ").strip()


def _attribution(before: str, after: str, short: bool, raw: str) -> tuple[str | None, bool]:
    """The speaker as written, from the text after the quote, else before it."""
    after = after.lstrip("'’”\"")
    # A short quote counts only when the attribution touches it: '"Never," she said'.
    if not short or after[:1] in ",!?." or raw[-1:] in ",!?.":
        speaker = _speaker_after(after)
        if speaker is not None:
            return speaker, True
    speaker = _speaker_before(before, short)
    if speaker is not None:
        return speaker, True
    return None, False


def _speaker_after(after: str) -> str | None:
    """'she said', 'Smith, the minister, said', 'said Smith', 'according to Smith'."""
    rest = _LEADING_JUNK.sub("", after)
    according = _ACCORDING.match(rest)
    if according:
        return _first_speaker(rest[according.end() :])
    verb = _VERB_RE.search(rest[:160])
    if verb is None:
        return None
    head = rest[: verb.start()].strip()
    if not head:
        return _first_speaker(rest[verb.end() :])
    match = _SPEAKER_THEN_VERB.match(head)
    return _strip_speaker(match.group(1)) if match else None


def _speaker_before(before: str, short: bool) -> str | None:
    """'Smith said: ', 'The minister told reporters that ', 'according to Smith, '."""
    according = None
    for according in _ACCORDING.finditer(before):
        pass
    if according is not None and not short:
        found = _first_speaker(before[according.end() :])
        if found is not None:
            return found
    # The nearest reporting verb with a speaker in front of it: in 'Brandt said his door
    # was open and urged both sides to "..."', 'urged' has none, 'said' has Brandt.
    for verb in reversed(list(_VERB_RE.finditer(before))):
        between = before[verb.end() :].split()
        # A scare quote needs the verb right next to it ('she said: "Never"').
        if short and len(between) > 1:
            return None
        match = _SPEAKER_ENDING.search(before[: verb.start()].rstrip())
        if match:
            return _strip_speaker(_owner(before, match.start(1)) or match.group(1))
    # Any past-tense verb before a colon attributes: 'Union boss Ilves crowed: "..."'.
    match = _COLON_ATTRIBUTION.search(before)
    if match is None:
        return None
    return _strip_speaker(_owner(before, match.start(1)) or match.group(1))


def _owner(before: str, start: int) -> str | None:
    """The person a 'whose son Tomas' clause hangs on, when the found name sits in one."""
    owner = _WHOSE.search(before[:start])
    return owner.group(1) if owner else None


def _first_speaker(text: str) -> str | None:
    """The speaker phrase at the start of ``text`` (after a verb or 'according to')."""
    match = _SPEAKER_AFTER_VERB.match(text)
    if match is None:
        return None
    if match.group(1) is None:
        return match.group(0).strip()
    appositive = match.group(2) or ""
    return _strip_speaker(match.group(1) + appositive)


def _strip_speaker(speaker: str) -> str | None:
    """Tidy a captured phrase; ``None`` when it is not a speaker at all."""
    speaker = " ".join(speaker.split()).strip(" ,")
    last = speaker.rsplit(" ", 1)[-1]
    if last.endswith(".") and len(last) > 3 and last not in _KEEP_DOT:
        speaker = speaker[:-1]  # 'said Ms. Smith.': the sentence's period
    first = speaker.split()[0].lower() if speaker else ""
    if not speaker or first in {"it", "this", "that", "there", "which", "who", "what"}:
        return None
    return speaker


def _inherit_speakers(spans: list[_Span], sentences: Sequence[Sentence]) -> list[_Span]:
    """Resolve pronouns, give unattributed follow-on quotes their speaker, join run-ons."""
    # Surnames of people this source names in full: "Brenn conceded." then names Brenn.
    known = frozenset(
        names.surname(person)
        for sentence in sentences
        for person in names.people_named(_unquoted(sentence.text))
        if len(person.split()) > 1
    )
    result: list[_Span] = []
    last_named: tuple[int, str] | None = None  # (sentence index, speaker as written)
    for span in spans:
        speaker = span.speaker
        if speaker is not None and speaker.split()[0].lower() in _PRONOUNS:
            speaker = _antecedent(span.first_sentence, last_named, sentences, known)
        previous = result[-1] if result else None
        near = previous is not None and span.first_sentence - previous.first_sentence <= 3
        if speaker is None and previous is not None and near:
            if not previous.closed and span.opens_paragraph:
                # The quote runs on from the previous paragraph: one statement.
                previous.text = f"{previous.text} {span.text}"
                previous.sentence_ids += span.sentence_ids
                previous.closed = span.closed
                continue
            speaker = previous.speaker  # '"A," she said. "B."' - B is hers too
        span.speaker = speaker
        if speaker is not None and speaker.split()[0].lower() not in _PRONOUNS:
            last_named = (span.first_sentence, speaker)
        result.append(span)
    return result


def _antecedent(
    index: int,
    last_named: tuple[int, str] | None,
    sentences: Sequence[Sentence],
    known: frozenset[str] = frozenset(),
) -> str | None:
    """The person a 'she said' means: the latest named speaker or person mentioned
    (``known`` surnames count alone: "Brenn conceded. '...,' he said")."""
    for back in range(index, max(-1, index - PRONOUN_WINDOW - 1), -1):
        if last_named is not None and last_named[0] == back:
            return last_named[1]
        people = names.people_named(_unquoted(sentences[back].text), known)
        if people:
            return people[0]  # the subject, usually named first, is who 'she' means
    return last_named[1] if last_named is not None else None


def _unquoted(text: str) -> str:
    """Text with quoted material removed (a name inside a quote is not the speaker)."""
    return _QUOTED.sub(" ", text)


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


def _consolidate(mentions: list[QuoteMention], speakers: list[str | None]) -> list[list[int]]:
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
            if speakers[i] and speakers[j] and speakers[i] != speakers[j]:
                continue
            if count < min(MIN_SHARED_CONTENT, len(words), len(content[j])):
                continue
            smaller = min(len(token_sets[i]), len(token_sets[j]))
            score = len(token_sets[i] & token_sets[j]) / smaller if smaller else 0.0
            if score >= SAME_STATEMENT:
                pairs.append((score, i, j))
    parent = list(range(len(mentions)))
    speaker_of: list[str | None] = list(speakers)

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
    mentions: list[QuoteMention], speakers: list[str | None], group: list[int]
) -> Quote:
    members = [mentions[i] for i in group]
    known = [speakers[i] for i in group if speakers[i]]
    speaker = max(known, key=known.count) if known else None  # max keeps the first on ties
    fullest = max(members, key=lambda m: len(m.text.split()))
    sentence_ids = sorted({sid for m in members for sid in m.sentence_ids}, key=_sentence_key)
    source_ids = sorted({m.source_id for m in members}, key=_source_key)
    return Quote(
        speaker=speaker,
        text=fullest.text,
        sentence_ids=tuple(sentence_ids),
        source_ids=tuple(source_ids),
        mentions=tuple(members),
    )


def _source_key(source_id: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", source_id)
    return (int(digits) if digits else 0, source_id)


def _sentence_key(sentence_id: str) -> tuple[tuple[int, str], int]:
    source_id, _, number = sentence_id.partition(".")
    return (_source_key(source_id), int(number) if number.isdigit() else 0)
