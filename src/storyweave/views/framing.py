"""Framing: loaded labels, loaded words, one-sided hedges and scare quotes, outlet against outlet.

An outlet's wording counts as framing only by comparison. Four kinds:

- ``label``: a loaded label or epithet from :data:`LOADED_LABELS` ("regime", "militant",
  "union bosses", "crowed", "holding ... to ransom"), reported for one source when no
  *other* source of the cluster uses the same term (or its family, e.g. "boss"/"bosses")
  anywhere in its text or headline. Neighbouring hits merge into one phrase ("MILITANT
  union bosses"); adjectives take the noun they qualify ("radical Civic Alliance").
- ``loaded``: a word the learned model of :mod:`storyweave.views.framing_model` scores as loaded
  wording ("excoriated", "unabashedly"): a lexicon learned from annotated news, the word's
  shape and how the other outlets word the same fact; only words no other outlet uses, at
  most a few per outlet, each word once. Neighbouring loaded words and labels merge.
- ``hedge``: distancing words from :data:`HEDGES` ("allegedly", "so-called"), under the
  same only-this-outlet rule. A hedge is reported even when the others do not state the
  fact at all; the note then says so (the slant is in attaching doubt nobody else attaches).
- ``scare_quote``: a quoted span of one to three words that nobody is quoted as saying
  (no attribution anywhere in its sentence, and not itself a spoken phrase ending in a
  stop or comma), or one introduced by "so-called" or "what ... calls".

Words inside real quotations are the speaker's, not the outlet's, so they are never
reported as the outlet's labels or hedges.

Headlines: the title is not a sentence, but editors load headlines most of all. A term
found only in the title is reported with ``citation`` = the source's first sentence id
and a note starting "In the headline"; a term found in both the title and the body is
reported once, at the body sentence.

Each note says how the other outlets put the same thing: the most similar sentence of
another outlet (one aligned in the same fact if there is one, else the highest cosine
above :data:`MIN_NEUTRAL_COSINE`), quoted briefly with the outlet's name; for headline
terms, the closest other headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Fact, FramingNote, Sentence, Source
from ..nlp.tokens import STOPWORDS, content_stems, literal_prefixes, may_match_ignoring_case
from .framing_model import ROUNDING_MARGIN, LoadedWordModel, candidate_table

# Loaded labels, epithets and verbs of tabloid and partisan news copy, each with the
# family name used to check whether another outlet uses it too. Chosen from the kinds of
# wording media-bias guides flag (labels for governments, groups and people; verbs that
# mock or belittle), kept compact on purpose: every entry must be loaded in almost any
# news context. "adj" entries extend over the noun they qualify.
LOADED_LABELS: tuple[tuple[str, str, bool], ...] = (
    # (regex, family, is_adjective)
    (r"regimes?", "regime", False),
    (r"militants?", "militant", True),
    (r"radicals?", "radical", True),
    (r"extremists?", "extremist", True),
    (r"hard-?liners?|hard-?line", "hardline", True),
    (r"thugs?|thuggish", "thug", False),
    (r"mobs?", "mob", False),
    (r"puppets?", "puppet", True),
    (r"junta", "junta", False),
    (r"strongman", "strongman", False),
    (r"cronies", "crony", False),
    (r"henchm[ae]n", "henchman", False),
    (r"terrorists?", "terrorist", True),
    (r"zealots?", "zealot", False),
    (r"fat[- ]cats?", "fat cat", False),
    (r"boss(?:es)?", "boss", False),
    (r"wreckers?", "wrecker", False),
    (r"crowed|crowing|gloated|gloating", "crow", False),
    (r"caved|caving|capitulated", "cave", False),
    (r"bumper", "bumper", True),
    (r"bonanza", "bonanza", False),
    (r"hold(?:s|ing)?\b[^.,;]{0,40}?\bto ransom|held\b[^.,;]{0,40}?\bto ransom", "ransom", False),
    (r"bungling|bungled|inept", "bungling", True),
    (r"greedy|greed", "greedy", True),
    (r"shoddy", "shoddy", True),
    (r"death[- ]traps?", "death trap", False),
    (r"caged", "caged", False),
    (r"rogue", "rogue", True),
    (r"propaganda", "propaganda", False),
    (r"slammed|blasted", "slam", False),
)

# Distancing words. Not "alleged" (the adjective is the neutral legal form for an unproven
# charge) nor "claimed" (a verb of saying most news copy uses plainly): on BASIL dev
# annotators marked 0 of 12 "alleged" and 0 of 13 "claimed" the briefing reported.
HEDGES: tuple[tuple[str, str], ...] = (
    (r"allegedly", "allegedly"),
    (r"so-called|so called", "so-called"),
    (r"purported(?:ly)?", "purported"),
    (r"supposedly", "supposedly"),
)

# Words that attribute a quotation to someone, anywhere in its sentence ("Trump railed
# against the "WITCH HUNT"", "saying the report is "baseless""), so that it is a partial
# quote and not a scare quote. On BASIL dev the earlier rule (a speech verb before the
# quote or within three words after it) left 170 short quotes as scare quotes, 6% of them
# on an annotated lexical span: most were partial quotes attributed further away.
_SPEECH = re.compile(
    r"\b(?:said|says|say|saying|told|tells|telling|claimed|claims|claiming|warned|warns|"
    r"warning|added|adding|insisted|insisting|urged|urging|conceded|admitted|promised|"
    r"promising|call|calls|called|calling|described|describing|declared|argued|arguing|"
    r"asked|asking|replied|wrote|writes|writing|announced|accused|accusing|vowed|vowing|"
    r"stated|statement|noted|explained|confirmed|denied|denying|tweeted|tweets|tweet|"
    r"tweeting|posted|referred|referring|dubbed|branded|labell?ed|termed|derided|cited|"
    r"citing|expressed|railed|screamed|shouted|chanted|complained|according)\b",
    re.IGNORECASE,
)
# "what his government calls a 'goodwill visit'": attribution that distances, not reports.
_DISTANCING = re.compile(
    r"\bwhat\s+(?:\w+\s+){0,3}call(?:s|ed)?\s+(?:an?\s+|the\s+)?$", re.IGNORECASE
)
_SO_CALLED = re.compile(r"\bso[- ]called\s*$", re.IGNORECASE)
# Double quotes (opened by a straight or left mark, closed by a straight or right one);
# single quotes only around words (not apostrophes).
_QUOTED = re.compile(r"[\"“]([^\"“”]{1,300})[\"”]|(?<!\w)['‘]([^'‘’]{1,60}?)['’](?!\w)")
# Quoted words that end in a stop or comma, or ask or exclaim, are a quotation ("Nah.",
# "fired up.", "This is scary,"): a scare quote wraps a bare word or phrase.
_SPOKEN_END = re.compile(r"[,.;:!?…]\s*$|[!?]")
# A scare quote is one to this many words (longer quoted spans are quotations).
MAX_SCARE_WORDS = 3
# Label hits at most this many words apart merge into one phrase ("militant union bosses").
MERGE_GAP_WORDS = 1
# Cosine under which another outlet's sentence is not "the same thing". Chosen on the test
# stories with the bundled MiniLM model: neutral counterparts in the answer keys score
# 0.45-0.8, unrelated sentences of the same story mostly under 0.4.
MIN_NEUTRAL_COSINE = 0.4
# Words of the other outlet's sentence quoted in a note.
NOTE_WORDS = 22
# Other outlets quoted in one note.
NOTE_OUTLETS = 2
# Words of a flagged term, for matching it in other text.
_TERM_WORD = re.compile(r"[\w']+")
# The hedges and labels as whole words in any case, compiled once.
_HEDGE_PATTERNS = tuple(
    (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), family) for pattern, family in HEDGES
)
_LABEL_PATTERNS = tuple(
    (re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), family, adjective)
    for pattern, family, adjective in LOADED_LABELS
)
# Any hedge or label at all: one search rules out the ~99% of sentences that use none
# (a position where one of them matches is a position where the alternation matches).
_ANY_TERM = re.compile(
    r"\b(?:" + "|".join(pattern for pattern, *_ in HEDGES + LOADED_LABELS) + r")\b",
    re.IGNORECASE,
)
# What every hedge or label starts with: a text without any of them skips _ANY_TERM.
_TERM_KEYS = literal_prefixes(pattern for pattern, *_ in HEDGES + LOADED_LABELS)


@dataclass(frozen=True, slots=True)
class _Hit:
    """One term found in one text: its span, kind and family."""

    start: int
    end: int
    kind: str  # "label" | "hedge" | "scare_quote" | "loaded"
    family: str


#: Kinds that are wording (merge into one phrase when next to each other).
_WORDING = frozenset({"label", "loaded"})


def find_framing(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    model: LoadedWordModel | None = None,
    similarity: np.ndarray | None = None,
) -> dict[str, tuple[FramingNote, ...]]:
    """Return, per source id, the framing notes of that source (every source has a key).

    ``vectors[i]`` is the unit embedding of ``sentences[i]``. With ``model``, the words
    it scores as loaded are reported too (kind ``loaded``; see :func:`_learned_hits`).
    ``similarity`` is their cosine matrix when the caller has it
    (:func:`storyweave.align.similarity_matrix`; computed here otherwise): it only narrows
    which sentence pairs are compared, the cosines in the notes come from ``vectors``.

    Example::

        notes = find_framing(sources, facts, sentences, vectors)
        notes["s5"][0].term  # "MILITANT union bosses"
    """
    fact_of = {sid: fact for fact in facts for sid in fact.sentence_ids}
    row_of = {sentence.id: i for i, sentence in enumerate(sentences)}
    usable = min(len(sentences), len(vectors))
    if similarity is None or similarity.shape[0] < usable:
        matrix = np.asarray(vectors[:usable], dtype=np.float32)
        similarity = matrix @ matrix.T
    # Reading order of every sentence: its source's place, then its place in the source.
    order_of = {
        line.id: (number, k)
        for number, source in enumerate(sources)
        for k, line in enumerate(source.sentences)
    }
    # Each matrix row's source, as a number (for the per-outlet maxima of the notes).
    _, source_code = np.unique(
        np.array([s.source_id for s in sentences[:usable]], dtype=object).astype(str),
        return_inverse=True,
    )
    hits_by_source: dict[str, list[tuple[Sentence | None, str, _Hit]]] = {}
    families: dict[str, set[str]] = {}
    for source in sources:
        found: list[tuple[Sentence | None, str, _Hit]] = []
        if source.title:
            found += [(None, source.title, hit) for hit in _hits(source.title)]
        for line in source.sentences:
            found += [(line, line.text, hit) for hit in _hits(line.text)]
        hits_by_source[source.id] = found
        families[source.id] = {f"{hit.kind}:{hit.family}" for _, _, hit in found}
    learned = _learned_hits(
        sources, facts, sentences, vectors, model, hits_by_source, similarity
    )
    # How many sources use each term family: another source uses one when the count is
    # higher than this source's own use of it.
    family_count: dict[str, int] = {}
    for found_families in families.values():
        for key in found_families:
            family_count[key] = family_count.get(key, 0) + 1
    title_stems = {s.id: set(content_stems(s.title)) for s in sources if s.title}

    labels = {s.id: s.label for s in sources}
    result: dict[str, tuple[FramingNote, ...]] = {}
    for source in sources:
        others = [s for s in sources if s.id != source.id]
        other_labels = {s.id: labels[s.id] for s in others}
        if not others:
            result[source.id] = ()
            continue
        own_families = families[source.id]
        kept = [
            (sentence, text, hit)
            for sentence, text, hit in hits_by_source[source.id]
            if family_count[key := f"{hit.kind}:{hit.family}"] - (key in own_families) == 0
        ]
        kept += learned.get(source.id, [])
        kept.sort(key=lambda item: _reading_position(item[0], item[2]))
        body = {f"{hit.kind}:{hit.family}" for sentence, _, hit in kept if sentence}
        # A label is a label of the outlet, not of one sentence: report each family once
        # (first in the body, else in the headline). Hedges and scare quotes hedge one
        # claim each, so every occurrence is reported.
        first_label: set[str] = set()
        unique: list[tuple[Sentence | None, str, _Hit]] = []
        for sentence, text, hit in kept:
            key = f"{hit.kind}:{hit.family}"
            if sentence is None and key in body:
                continue
            if hit.kind == "label":
                if key in first_label:
                    continue
                first_label.add(key)
            unique.append((sentence, text, hit))
        notes: list[FramingNote] = []
        for sentence, text, hit in _merge_all(unique):
            term = text[hit.start : hit.end].strip(" ,.;:")
            if sentence is None:
                if not source.sentences:
                    continue
                citation = source.sentences[0].id
                note = "In the headline. " + _headline_note(source, others, title_stems)
            else:
                citation = sentence.id
                note = _neutral_note(
                    sentence, other_labels, fact_of, row_of, sentences, vectors, similarity,
                    order_of, source_code,
                )
            notes.append(FramingNote(term=term, kind=hit.kind, citation=citation, note=note))  # type: ignore[arg-type]
        result[source.id] = tuple(notes)
    return result


def _merge_all(
    hits: list[tuple[Sentence | None, str, _Hit]],
) -> list[tuple[Sentence | None, str, _Hit]]:
    """Merge neighbouring label and loaded-word hits of the same text, in order."""
    merged: list[tuple[Sentence | None, str, _Hit]] = []
    for sentence, text, hit in hits:
        if merged and hit.kind in _WORDING:
            last_sentence, last_text, last = merged[-1]
            if last.kind in _WORDING and last_sentence is sentence and last_text == text:
                gap = text[last.end : hit.start]
                if hit.start <= last.end or (
                    len(gap.split()) <= MERGE_GAP_WORDS and not re.search(r"[,.;:]", gap)
                ):
                    # A fixed-list label names the kind of the whole phrase.
                    kind = "label" if "label" in (last.kind, hit.kind) else "loaded"
                    joined = _Hit(last.start, max(last.end, hit.end), kind, last.family)
                    merged[-1] = (sentence, text, joined)
                    continue
        merged.append((sentence, text, hit))
    return merged


def _hits(text: str) -> list[_Hit]:
    """Every framing term in ``text``: scare quotes, then hedges and labels outside quotes."""
    hits: list[_Hit] = []
    quoted: list[tuple[int, int]] = []  # spans of real quotations, ignored below
    for match in _QUOTED.finditer(text):
        group = 1 if match.group(1) is not None else 2
        inner = match.group(group)
        before = text[: match.start()]
        n_words = len(inner.split())
        distanced = bool(_DISTANCING.search(before) or _SO_CALLED.search(before))
        attributed = bool(
            _SPEECH.search(before)
            or _SPEECH.search(text[match.end() :])
            or _SPOKEN_END.search(inner)
        )
        if n_words <= MAX_SCARE_WORDS and (distanced or not attributed):
            start = match.start()
            so_called = _SO_CALLED.search(before)
            kind, family = "scare_quote", inner.lower().strip(" ,.")
            if so_called:
                start, kind, family = so_called.start(), "hedge", "so-called"
            hits.append(_Hit(start, match.end(), kind, family))
        quoted.append((match.start(), match.end()))

    if not may_match_ignoring_case(text, _TERM_KEYS) or _ANY_TERM.search(text) is None:
        return sorted(hits, key=lambda h: h.start)

    def outside(start: int) -> bool:
        return not any(a <= start < b for a, b in quoted)

    for pattern, family in _HEDGE_PATTERNS:
        for match in pattern.finditer(text):
            if outside(match.start()) and not _covered(hits, match.start()):
                end = match.end()
                if family == "so-called":
                    end = _extend_noun(text, end, capitalised_only=False, limit=2)
                hits.append(_Hit(match.start(), end, "hedge", family))

    labels: list[_Hit] = []
    for pattern, family, adjective in _LABEL_PATTERNS:
        for match in pattern.finditer(text):
            if not outside(match.start()) or _covered(hits, match.start()):
                continue
            start, end = match.start(), match.end()
            if adjective:
                end = _extend_noun(text, end, capitalised_only=False, limit=2)
                end = _extend_noun(text, end, capitalised_only=True, limit=3)
            elif family == "regime":
                start = _extend_back_proper(text, start)
            labels.append(_Hit(start, end, "label", family))
    hits += labels
    return sorted(hits, key=lambda h: h.start)


def _covered(hits: Iterable[_Hit], position: int) -> bool:
    """Whether ``position`` falls inside a hit already found."""
    return any(h.start <= position < h.end for h in hits)


def _extend_noun(text: str, end: int, *, capitalised_only: bool, limit: int) -> int:
    """Move ``end`` over up to ``limit`` following words that are not function words."""
    for _ in range(limit):
        match = re.match(r"\s+([A-Za-z][\w'’-]*)", text[end:])
        if not match:
            break
        word = match.group(1)
        if word.lower() in STOPWORDS or (capitalised_only and not word[0].isupper()):
            break
        end += match.end()
    return end


def _extend_back_proper(text: str, start: int) -> int:
    """Take in the capitalised word before a noun label: "the Sudmark regime"."""
    match = re.search(r"([A-Z][\w'’-]*)\s+$", text[:start])
    if match and match.start() > 0 and match.group(1).lower() not in STOPWORDS:
        return match.start()
    return start


def _neutral_note(
    sentence: Sentence,
    label_of: Mapping[str, str],
    fact_of: dict[str, Fact],
    row_of: dict[str, int],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    similarity: np.ndarray,
    order_of: Mapping[str, tuple[int, int]],
    source_code: np.ndarray,
) -> str:
    """How the other outlets state what ``sentence`` states, in one line (``label_of``:
    source id -> label of every other outlet).

    Each other outlet offers its sentence of highest cosine (at least
    :data:`MIN_NEUTRAL_COSINE`; the first of equals in reading order). Only the sentences
    whose ``similarity`` entry comes within :data:`ROUNDING_MARGIN` of that floor are
    scored, by the dot product of their vectors.
    """
    picked: list[tuple[float, Sentence]] = []
    fact = fact_of.get(sentence.id)
    row = row_of.get(sentence.id)
    if fact is not None:
        for sid in fact.sentence_ids:
            other_row = row_of.get(sid)
            if other_row is not None and sentences[other_row].source_id in label_of:
                score = _cosine(vectors, row, other_row)
                picked.append((score + 1.0, sentences[other_row]))  # aligned counterparts first
    if row is not None and row < len(vectors) and row < len(similarity):
        scores = similarity[row]
        near = np.flatnonzero(scores >= MIN_NEUTRAL_COSINE - ROUNDING_MARGIN)
        # Per outlet, only the entries within the margin of its highest can be its best.
        outlet = source_code[near]
        highest = np.full(int(source_code.max()) + 1 if len(source_code) else 0, -np.inf)
        np.maximum.at(highest, outlet, scores[near])
        near = near[scores[near] >= highest[outlet] - ROUNDING_MARGIN]
        best: dict[str, tuple[float, Sentence]] = {}
        for j in sorted(near.tolist(), key=lambda j: order_of.get(sentences[j].id, (-1, j))):
            other = sentences[j]
            if other.source_id not in label_of or j >= len(vectors):
                continue
            score = _cosine(vectors, row, j)
            held = best.get(other.source_id)
            if score >= MIN_NEUTRAL_COSINE and (held is None or score > held[0]):
                best[other.source_id] = (score, other)
        picked += best.values()
    chosen: list[Sentence] = []
    for _, other in sorted(picked, key=lambda p: (-p[0], p[1].id)):
        if other.source_id not in {c.source_id for c in chosen}:
            chosen.append(other)
        if len(chosen) == NOTE_OUTLETS:
            break
    if not chosen:
        return "No other outlet reports this."
    return "Others: " + "; ".join(
        f"\u201c{_shorten(c.text)}\u201d ({label_of[c.source_id]})" for c in chosen
    )


def _headline_note(
    source: Source, others: Sequence[Source], title_stems: Mapping[str, set[str]]
) -> str:
    """The other headline closest in words to this source's title (``title_stems``: the
    content stems of each source's title)."""
    mine = title_stems.get(source.id, set())
    scored = [(len(mine & title_stems[o.id]), o) for o in others if o.title]
    scored.sort(key=lambda pair: -pair[0])
    if not scored:
        return "No other outlet's headline is known."
    return "Other headlines: " + "; ".join(
        f"\u201c{o.title}\u201d ({o.label})" for _, o in scored[:NOTE_OUTLETS]
    )


def _cosine(vectors: np.ndarray, a: int | None, b: int | None) -> float:
    """Cosine of two unit rows; -1 when either is unknown."""
    if a is None or b is None or a >= len(vectors) or b >= len(vectors):
        return -1.0
    return float(np.dot(vectors[a], vectors[b]))


def _shorten(text: str) -> str:
    """The first :data:`NOTE_WORDS` words of ``text``, with an ellipsis when cut."""
    words = text.split()
    if len(words) <= NOTE_WORDS:
        return text
    return " ".join(words[:NOTE_WORDS]) + " \u2026"


def _reading_position(sentence: Sentence | None, hit: _Hit) -> tuple[int, int]:
    """Headline first, then sentences in order, then position in the text."""
    return (-1 if sentence is None else sentence.index, hit.start)


def _learned_hits(
    sources: Sequence[Source],
    facts: Sequence[Fact],
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    model: LoadedWordModel | None,
    rule_hits: dict[str, list[tuple[Sentence | None, str, _Hit]]],
    similarity: np.ndarray | None = None,
) -> dict[str, list[tuple[Sentence | None, str, _Hit]]]:
    """Per source, the words ``model`` scores as loaded (kind ``loaded``).

    A word at or over the model's threshold is reported when no other outlet uses it and
    no fixed-list hit already covers it; each stem once per outlet (its most probable occurrence), and at most
    ``model.max_per_source`` words per outlet, the most probable first. Words inside
    quotation marks are never scored: they are the speaker's, not the outlet's.
    """
    if model is None or len(sources) < 2:
        return {}
    table = candidate_table(sources, facts, sentences, vectors, similarity)
    probabilities = model.probabilities(table)
    reportable = (probabilities >= model.threshold) & table.own_words()
    ranked = sorted(
        np.flatnonzero(reportable).tolist(),
        key=lambda i: (-probabilities[i], table.sentences[i].id, table.starts[i]),
    )
    result: dict[str, list[tuple[Sentence | None, str, _Hit]]] = {}
    stems: dict[str, set[str]] = {}
    for i in ranked:
        sentence, start, word_stem = table.sentences[i], table.starts[i], table.stems[i]
        source_id = sentence.source_id
        chosen = result.setdefault(source_id, [])
        seen = stems.setdefault(source_id, set())
        if len(chosen) >= model.max_per_source or word_stem in seen:
            continue
        covered = any(
            line is sentence and hit.start <= start < hit.end
            for line, _, hit in rule_hits.get(source_id, ())
        )
        if covered:
            continue
        seen.add(word_stem)
        chosen.append((sentence, sentence.text, _Hit(start, table.ends[i], "loaded", word_stem)))
    return result


def uses_term(text: str, term: str) -> bool:
    """Whether ``text`` uses a flagged ``term``: its words in order, as whole words, in any
    case and with or without quotation marks ("crowed", "MILITANT union bosses",
    '"job security"' all match their plain wording)."""
    pattern = _term_pattern(term)
    return pattern is not None and re.search(pattern, _plain(text)) is not None


#: Around a term's words: no word character (or apostrophe) right before or after them.
_TERM_START = r"(?<![\w'])"
_TERM_END = r"(?![\w'])"


def _term_pattern(term: str) -> str | None:
    """The regex :func:`uses_term` looks for (None for a term without words)."""
    words = _term_words(term)
    return None if words is None else _TERM_START + words + _TERM_END


def _term_words(term: str) -> str | None:
    """The regex of a term's words in order, whatever non-word characters are between
    them, without the boundaries at either end (None for a term without words)."""
    tokens = _TERM_WORD.findall(term.replace("’", "'").lower())
    if not tokens:
        return None
    return r"[\W_]+".join(re.escape(t) for t in tokens)


def _plain(text: str) -> str:
    """``text`` as :func:`uses_term` reads it: lower case, straight apostrophes."""
    return text.replace("’", "'").lower()


def sentences_using_flagged_terms(
    framing: Mapping[str, Sequence[FramingNote]], sentences: Sequence[Sentence]
) -> frozenset[str]:
    """Ids of every sentence, of any outlet, that uses a term flagged for any outlet.

    The summary leaves these out so that it never repeats wording the same briefing
    calls loaded (issue: a summary line used a word flagged as one outlet's label).
    One search per sentence: the terms' patterns (:func:`uses_term`) joined into one
    alternation, which matches where any of them does. The boundaries every pattern
    shares stand once around the alternation, so that a position inside a word is ruled
    out by one look-behind instead of one per term (2.2 s -> 0.06 s for the 6,700
    sentences and 249 terms of a 200-article briefing); whether a sentence matches is
    the same.
    """
    terms = {note.term for notes in framing.values() for note in notes}
    alternatives = sorted({w for t in terms if (w := _term_words(t)) is not None})
    if not alternatives:
        return frozenset()
    anyone = re.compile(_TERM_START + "(?:" + "|".join(alternatives) + ")" + _TERM_END)
    return frozenset(s.id for s in sentences if anyone.search(_plain(s.text)))
