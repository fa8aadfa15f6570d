"""Who is said to have said what, inside one paragraph: quotation marks, reporting cues and
the speaker phrase next to each cue.

The quote stage (:mod:`storyweave.nlp.quotes`) calls :func:`paragraph_attributions` per
paragraph. It finds

- quoted spans in every style news uses: straight ``"…"``, curly ``“…”``, newswire
  ````…''``, the NYT's ``''…''``, guillemets ``«…»``, low-high ``„…“`` and single quotes
  ``‘…’`` / ``'…'`` where they cannot be apostrophes;
- reporting cues: verbs of saying in every form (said, says, told, demanded, insisted,
  tweeted, …), verbs that frame quoted words (called, described, dubbed, …) and
  "according to" (the lexicons are in :mod:`storyweave.nlp.reporting`);
- the speaker phrase tied to each cue: the subject before it (``Smith, the minister,
  said``; ``she told reporters``), the phrase after an inverted cue (``said Jane Smith``),
  or the subject of the clause for a participle (``…, saying``).

Each quoted span becomes one :class:`Attribution`: ``quoted`` when the marks enclose the
whole statement (``"A," she said, "B."`` is one, in two pieces), ``indirect`` when the cue
governs a clause that only partly quotes (``she said the plan was "reckless" and late``)
or does not quote at all (``Smith said that the plan would fail``). Short spans and
capitalised titles that no cue governs (scare quotes, "State of the Union") are dropped.
Speakers here are phrases as written; :mod:`storyweave.nlp.speakers` turns them into names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import (
    ALL_VERBS,
    FUNCTION_WORDS,
    NAME_RUN,
    Cue,
    clause_subject,
    end_of_sentence,
    find_cues,
    has_word,
    lstrip_len,
    start_of_sentence,
    word_count,
)
from .reporting import CLAUSE_VERBS

#: Quoted spans shorter than this many words are scare quotes or titles ("so-called
#: "reform"") unless a reporting cue governs them.
MIN_QUOTE_WORDS = 4
#: An indirect attribution ("Smith said the plan would fail") needs a clause this long.
MIN_INDIRECT_WORDS = 4
#: A quoted span this short whose words are mostly capitalised is a title ("State of the
#: Union", "Make America Great Again"), not a statement, unless a cue touches it.
MAX_TITLE_WORDS = 8
#: Words between a cue and an opening mark that still make the quote direct ("told
#: Breitbart News Daily host Matt Boyle, "...""): beyond this, the cue governs a clause.
MAX_DIRECT_GAP_WORDS = 12

#: Words after a closing mark, before the sentence ends, that make the quote part of the
#: reporter's clause ('saying that "race still matters" in housing and schools').
MIN_CLAUSE_TAIL_WORDS = 3
# "- Carl Bialik:" right before a quote: a label naming the speaker.
_LABEL = re.compile(
    rf"(?:^|[—–-]\s?)\s*({NAME_RUN.pattern}(?:\s+and\s+{NAME_RUN.pattern})?)\s*:\s*$"
)
#: A quote that ends in a full stop keeps a cue after it only with this few words after the
#: verb ('"…." Reyes said it twice'); the sentence splitter uses the same rule.
MAX_ATTRIBUTION_TAIL_WORDS = 5

#: Quote marks: openers, closers, and the ambiguous ones decided by context.
_MARKS = re.compile(r"``|''(?!')|[\"“”„«»‘’']")  # a triple mark is a single, then a double
_OPENERS = {"``": "''", "“": "”", "„": "“", "«": "»", "‘": "’"}
_OPEN_CONTEXT = frozenset(" ([{—–-/:;,")


@dataclass(slots=True)
class Attribution:
    """One statement in a paragraph: its content pieces and who it is put to.

    ``pieces`` are ``(start, end)`` offsets into the paragraph text; ``speaker`` is the
    phrase as written (``None`` when no cue ties one to it); ``speaker_at`` is the offset
    of that phrase (or of the cue), for resolving pronouns; ``attributed`` says a cue was
    found; ``closed`` is False when the paragraph ends inside the quote.
    """

    pieces: list[tuple[int, int]]
    kind: str  # "quoted" or "indirect"
    speaker: str | None
    speaker_at: int
    attributed: bool
    closed: bool = True
    opens_paragraph: bool = False


def quote_pairs(text: str) -> list[tuple[int, int, int, int]]:
    """(open mark start, inner start, inner end, close mark end) per quoted span of
    ``text``, outermost spans only. The close mark end is -1 when the text ends inside
    the quote (news style: the quote runs on into the next paragraph).
    """
    pairs: list[tuple[int, int, int, int]] = []
    open_at: tuple[int, int, str] | None = None  # (start, end, the closer it waits for)
    for match in _MARKS.finditer(text):
        mark, start, end = match.group(), match.start(), match.end()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if mark in ("'", "‘", "’"):
            if open_at is not None and open_at[2] not in ("'", "’"):
                continue  # a single quote or apostrophe inside a double-quoted span
            if before.isalnum() and after.isalnum():
                continue  # an apostrophe inside a word ("don't", "O’Brien")
        if open_at is None:
            if mark in _OPENERS or mark in ('"', "''", "'"):
                # An ambiguous mark opens only after a space or bracket and before a word.
                if mark in ('"', "''", "'") and (before not in _OPEN_CONTEXT or after.isspace()):
                    continue
                if mark in ("'", "‘") and not (after.isalnum() or after in "“\""):
                    continue
                closer = _OPENERS.get(mark, mark)
                if mark == "'":
                    closer = "'"
                open_at = (start, end, closer)
            continue
        closer = open_at[2]
        closes = mark == closer or (closer in ("”", "''") and mark in ('"', "”", "''"))
        closes = closes or (closer == '"' and mark in ("”", "''"))
        closes = closes or (closer == "’" and mark == "'") or (closer == "'" and mark == "’")
        if closes and mark in ("'", "’") and after.isalnum():
            continue  # "the '90s", "Trump's": not a closing single quote
        if closes:
            pairs.append((open_at[0], open_at[1], start, end))
            open_at = None
        elif mark in ("“", "``", "«", "„") or (mark == '"' and after.isalnum() and before.isspace()):
            open_at = (start, end, _OPENERS.get(mark, '"'))  # an unclosed earlier mark: a stray
    if open_at is not None and open_at[2] not in ("'", "’") and len(text) - open_at[1] > 1:
        pairs.append((open_at[0], open_at[1], len(text), -1))
    return pairs


def paragraph_attributions(text: str, bounds: list[tuple[int, int]]) -> list[Attribution]:
    """Every quoted statement and every indirect report in one paragraph.

    ``bounds`` are the paragraph's sentences as ``(start, end)`` offsets into ``text``.
    """
    pairs = [p for p in quote_pairs(text) if has_word(text[p[1] : p[2]])]
    cues = find_cues(text, bounds, pairs)
    result: list[Attribution] = []
    taken: set[int] = set()  # indices of pairs already used
    for i, pair in enumerate(pairs):
        if i in taken:
            continue
        found = _quote_attribution(text, bounds, pairs, i, cues, taken)
        if found is not None:
            result.append(found)
    result.extend(_indirect(text, bounds, pairs, cues, result))
    result.sort(key=lambda a: a.pieces[0][0])
    return result


# --- quoted statements --------------------------------------------------------------------


def _quote_attribution(
    text: str,
    bounds: list[tuple[int, int]],
    pairs: list[tuple[int, int, int, int]],
    i: int,
    cues: list[Cue],
    taken: set[int],
) -> Attribution | None:
    """The statement quoted by pair ``i``, with the cue that governs it."""
    open_start, inner_start, inner_end, close_end = pairs[i]
    closed = close_end >= 0
    inner = text[inner_start:inner_end]
    short = word_count(inner) < MIN_QUOTE_WORDS
    last_sentence_end = end_of_sentence(bounds, max(inner_start, inner_end - 1))
    first_sentence_start = start_of_sentence(bounds, open_start)
    next_open = pairs[i + 1][0] if i + 1 < len(pairs) else len(text)

    # 1. A cue right after the quote: '"...," she said' / '"...," said Smith'.
    if closed:
        after_limit = min(last_sentence_end, next_open)
        cue = _cue_after(text, close_end, after_limit, cues)
        if cue is not None and inner.rstrip().endswith(".") and not cue.after_verb:
            # '…campaign." Smith said he would …': a new sentence, not this quote's cue.
            tail = text[cue.end : last_sentence_end]
            if word_count(tail) > MAX_ATTRIBUTION_TAIL_WORDS:
                cue = None
        if cue is not None and (not short or _touches(inner, text, close_end)):
            pieces = [(inner_start, inner_end)]
            following = _continuation(text, bounds, pairs, i, cue, cues)
            if following is not None:
                # '"A," she said, "B."' / '"A," she said. "B."': one statement.
                nxt = pairs[following]
                pieces.append((nxt[1], nxt[2]))
                taken.add(following)
                closed = nxt[3] >= 0
            kind = "quoted"
            # 'the plan was "reckless," she said': quoted words inside the reporter's clause.
            lead = text[first_sentence_start:open_start]
            has_cue = any(first_sentence_start <= c.start < open_start for c in cues)
            if word_count(lead) >= 2 and not has_cue and not re.search(r":\s*$", lead):
                kind = "indirect"
                pieces = [(first_sentence_start + lstrip_len(text, first_sentence_start),
                           inner_end)] + pieces[1:]
            return Attribution(pieces, kind, cue.speaker, cue.speaker_start, True, closed,
                               open_start == 0)

    # 2. A cue before the quote in its sentence: 'Smith said: "..."', 'she said the plan
    # was "reckless"' (the cue governs a clause: an indirect statement).
    cue = _cue_before(text, first_sentence_start, open_start, cues)
    if cue is not None:
        gap = text[cue.end : open_start]
        if cue.after_verb:
            gap = text[cue.speaker_end : open_start]
        tail = text[close_end:last_sentence_end] if closed else ""
        if _direct_gap(gap) and word_count(tail) < MIN_CLAUSE_TAIL_WORDS:
            speaker, at = cue.speaker, cue.speaker_start
            label = _LABEL.search(gap)
            if label and len(label.group(1).split()) > 1:
                # 'Pollsters agree - Carl Bialik: "…"': the label names the speaker.
                speaker, at = label.group(1), open_start - len(gap) + label.start(1)
            return Attribution([(inner_start, inner_end)], "quoted", speaker, at, True, closed,
                               open_start == 0)
        start = _clause_start(text, cue)
        end = _clause_end(text, bounds, cues, cue, inner_end)
        for j in range(i + 1, len(pairs)):
            if pairs[j][0] < end:
                taken.add(j)
        return Attribution([(start, end)], "indirect", cue.speaker, cue.speaker_start,
                           True, closed, open_start == 0)

    # 3. No cue: a quote a colon introduces ('Sanders had a retort: "..."'), a continuing
    # statement, a scare quote or a title.
    if short or _is_title(inner):
        return None
    lead = text[first_sentence_start:open_start]
    if lead.rstrip().endswith(":") or (not lead.strip() and _previous_ends_colon(text, bounds, open_start)):
        at = first_sentence_start if lead.strip() else start_of_sentence(bounds, first_sentence_start - 2)
        speaker = introducer(text[at : open_start].rstrip().rstrip(":"))
        if speaker is not None:
            return Attribution([(inner_start, inner_end)], "quoted", speaker, at, True, closed,
                               open_start == 0)
    return Attribution([(inner_start, inner_end)], "quoted", None, open_start, False, closed,
                       open_start == first_sentence_start and open_start == 0)


def _continuation(
    text: str,
    bounds: list[tuple[int, int]],
    pairs: list[tuple[int, int, int, int]],
    i: int,
    cue: Cue,
    cues: list[Cue],
) -> int | None:
    """The index of the quote that continues quote ``i`` after its attribution: in the
    same sentence after a comma ('"A," she said, "B."'), or as the whole next sentence
    ('"A," she said. "B."'), when no other cue claims it."""
    if i + 1 >= len(pairs):
        return None
    nxt = pairs[i + 1]
    after_cue = max(cue.end, cue.speaker_end)
    between = text[after_cue : nxt[0]]
    cue_sentence_end = end_of_sentence(bounds, cue.start)
    if nxt[0] < cue_sentence_end:
        if not re.fullmatch(r"[^.!?\"“”]{0,60}?[,:]\s*", between):
            return None
    elif not (re.fullmatch(r"[^\"“”]{0,60}?[.!?]\s*", between)
              and start_of_sentence(bounds, nxt[0]) == nxt[0]):
        return None
    next_sentence_end = end_of_sentence(bounds, max(nxt[1], nxt[2] - 1))
    if any(c is not cue and (nxt[0] <= c.start < next_sentence_end
                             or start_of_sentence(bounds, nxt[0]) <= c.start < nxt[0])
           for c in cues):
        return None  # the next quote has its own cue
    if nxt[3] >= 0 and word_count(text[nxt[3] : next_sentence_end]) > 0:
        return None  # it is part of a longer sentence
    return i + 1


def _previous_ends_colon(text: str, bounds: list[tuple[int, int]], open_start: int) -> bool:
    before = text[:open_start].rstrip()
    return before.endswith(":") and start_of_sentence(bounds, open_start) == open_start


def introducer(sentence: str) -> str | None:
    """The speaker of a sentence that introduces a quote with a colon: the speaker of its
    last cue ("Parker Eaton said that, given the field:"), else its subject ("Sanders
    delivered a snappy retort:", "Chris Cillizza, The Washington Post:")."""
    bounds = [(0, len(sentence))]
    cues = [c for c in find_cues(sentence, bounds, quote_pairs(sentence))
            if c.speaker is not None and not c.after_verb]
    if cues:
        return cues[-1].speaker
    label = re.fullmatch(rf"\s*({NAME_RUN.pattern})(?:,\s+[^,]{{1,60}})?\s*", sentence)
    if label:
        return label.group(1)  # "Meghan McCain, Twitter:"
    label = re.search(rf"(?:^|[—–-]\s|\.\s)\s*({NAME_RUN.pattern})\s*$", sentence)
    if label and len(label.group(1).split()) > 1:
        return label.group(1)  # "TURNOUT IN IOWA - Michael P. McDonald:"
    found = clause_subject(sentence, 0, len(sentence), [])
    if found is None or found[0] is None:
        return None
    subject = found[0]
    return subject if subject[:1].isupper() else None


def _cue_after(text: str, close_end: int, limit: int, cues: list[Cue]) -> Cue | None:
    """A cue whose speaker phrase (or verb) starts right after a closing mark."""
    gap_text = text[close_end:limit]
    lead = re.match(r"[\s,;:.!?—–-]*", gap_text)
    start = close_end + (lead.end() if lead else 0)
    for cue in cues:
        first = min(cue.start, cue.speaker_start) if cue.speaker is not None else cue.start
        between = text[start:first]
        # '"…," another friend, Mariam Emara, told CNN': a short description may lead.
        described = re.fullmatch(r"(?:[\w'’-]+\s+){0,3}[\w'’-]+,\s*", between) and not any(
            w.lower() in ALL_VERBS for w in between.split()
        )
        bare = between.strip(" ,").lower()
        adjacent = first == start or (first > start and (bare in ("", "the") or described))
        if adjacent and cue.start < limit:
            return cue
        if first > start:
            break
    return None


def _cue_before(text: str, sentence_start: int, open_start: int, cues: list[Cue]) -> Cue | None:
    """The nearest cue in the sentence before an opening mark (not inside a quote)."""
    before = [c for c in cues if sentence_start <= c.start < open_start]
    if not before:
        return None
    best = before[-1]
    if best.speaker is not None and best.speaker.lower() in ("he", "she", "they", "it"):
        # 'Ida Holm said they found the plan "reckless"': the report is Ida Holm's.
        outer = [c for c in before[:-1] if c.verb in CLAUSE_VERBS and c.speaker is not None
                 and c.speaker.lower() not in ("he", "she", "they", "it")]
        if outer:
            return outer[-1]
    return best


def _direct_gap(gap: str) -> bool:
    """Whether the words between a cue and an opening mark leave the quote direct:
    nothing, an object and a colon or comma ("told reporters:"), or "that"."""
    stripped = gap.strip()
    if not stripped or stripped in (",", ":", "that", "—", "-", "–"):
        return True
    if re.search(r"(?:[,:—–]|\bthat)$", stripped) and word_count(stripped) <= MAX_DIRECT_GAP_WORDS:
        return not re.search(r"\b(?:is|are|was|were|will|would|has|have|had)\b", stripped)
    return False


def _clause_start(text: str, cue: Cue) -> int:
    """Where a cue's clause starts: after 'that' or a comma close to the verb, else right
    after the verb (or after the speaker of an inverted cue)."""
    at = cue.speaker_end if cue.after_verb else cue.end
    window = text[at : at + 80]
    that = re.match(r"[^,.;:\"“”]{0,60}?\bthat\s+", window)
    if that:
        return at + that.end()
    comma = re.match(r"[^,.;:\"“”]{0,40}?,\s+", window)
    if comma and cue.verb == "according to":
        return at + comma.end()
    lead = re.match(r"[\s,:]*", window)
    return at + (lead.end() if lead else 0)


def _clause_end(
    text: str, bounds: list[tuple[int, int]], cues: list[Cue], cue: Cue, at_least: int
) -> int:
    """Where a cue's clause ends: at the sentence end, or before the next cue with its
    own speaker in the same sentence."""
    end = end_of_sentence(bounds, cue.start)
    for other in cues:
        if other.start > at_least and other.start < end and other.speaker is not None:
            first = min(other.start, other.speaker_start)
            end = max(at_least, first)
            break
    while end > at_least and text[end - 1] in " ,;.":
        end -= 1
    return max(end, at_least)


def _touches(inner: str, text: str, close_end: int) -> bool:
    """A short quote counts only when its attribution touches it: '"Never," she said'."""
    return inner.rstrip()[-1:] in ",!?." or text[close_end : close_end + 1] in ",!?."


def _is_title(inner: str) -> bool:
    """'State of the Union', 'Make America Great Again': mostly capitalised words."""
    words = [w for w in re.findall(r"[\w'’-]+", inner) if len(w) > 3]
    if not words or word_count(inner) > MAX_TITLE_WORDS or re.search(r"[.!?,]\s", inner):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised >= 0.7 * len(words)


# --- indirect statements ------------------------------------------------------------------


def _indirect(
    text: str,
    bounds: list[tuple[int, int]],
    pairs: list[tuple[int, int, int, int]],
    cues: list[Cue],
    found: list[Attribution],
) -> list[Attribution]:
    """'Smith said (that) the plan would fail.' / 'The plan will fail, Smith said.':
    clauses a verb of saying attributes, outside any quote already found."""
    covered = [(a.pieces[0][0], a.pieces[-1][1]) for a in found]
    covered += [(p[0], p[3] if p[3] >= 0 else len(text)) for p in pairs]
    result: list[Attribution] = []
    for cue in cues:
        if cue.speaker is None or cue.verb not in CLAUSE_VERBS | {"according to"}:
            continue
        if any(a <= cue.start < b for a, b in covered):
            continue
        sentence_start = start_of_sentence(bounds, cue.start)
        sentence_end = end_of_sentence(bounds, cue.start)
        sentence = text[sentence_start:sentence_end]
        if any(sentence_start <= p[0] < sentence_end for p in pairs):
            continue  # sentences with quotation marks are the quoted path's
        first = min(cue.start, cue.speaker_start)
        before = text[sentence_start:first].strip(" ,")
        tail = text[max(cue.end, cue.speaker_end) : sentence_end]
        comma_before = text[sentence_start:first].rstrip().endswith(",")
        trailing = (
            (cue.after_verb or comma_before)
            and word_count(before) >= MIN_INDIRECT_WORDS
            and (word_count(tail) <= 6 or cue.verb == "according to" and comma_before)
        )
        if trailing:
            # 'The plan will fail, Smith said.' / '..., according to Smith.'
            start = sentence_start + lstrip_len(text, sentence_start)
            end = first
            while end > start and text[end - 1] in " ,;":
                end -= 1
        elif cue.after_verb and cue.verb != "according to":
            continue
        else:
            start = _clause_start(text, cue)
            end = _clause_end(text, bounds, cues, cue, start)
        content = text[start:end].strip()
        if word_count(content) < MIN_INDIRECT_WORDS or content.split()[-1].lower() in FUNCTION_WORDS:
            continue  # too short, or cut off ("should be selected by")
        if "?" in sentence[-2:]:
            continue
        covered.append((start, end))
        result.append(Attribution([(start, end)], "indirect", cue.speaker, cue.speaker_start,
                                  True))
    return result


