"""Sentence splitting: cleaned paragraphs -> :class:`~storyweave.model.Sentence` objects.

A rule-based splitter (pure regex, no model data) tuned for news text: it keeps
abbreviations ("U.S.", "Gov.", "5 p.m."), initials ("George W. Bush"), decimals,
URLs and quotations with their attribution (``"We will stay," she said.``) inside
one sentence, while still ending a sentence on an abbreviation when the next word
clearly starts a new one ("...in the U.S. The next day...").

Transcript paragraphs start with a speaker label (``JANE SMITH, HOST:``); the label
is stripped from the text and kept as :attr:`Sentence.turn_speaker`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import CleanedText, Sentence
from .calendar import MONTH_ABBREVIATIONS
from .reporting import SPEECH_VERBS, word_pattern
from .tokens import wordset

#: Longest sentence kept whole, in words. Real news sentences rarely pass 60 words
#: (the longest in 20 DUC 2004 documents is ~80); longer runs are scraped lists or
#: tables without punctuation, and capping them keeps embedding and alignment bounded.
MAX_SENTENCE_WORDS = 120
#: A capped sentence is cut at a clause boundary no earlier than this many words, so the
#: cut does not leave a uselessly short fragment.
MIN_CLAUSE_WORDS = 40
#: Words a briefing keeps of one run without sentence punctuation (ten capped sentences).
#: Prose never runs this long unpunctuated; a scraped table or a pasted dump does, and a
#: 5 MB one gave 6,400 capped "sentences" to embed and align. :func:`segment` keeps the
#: first ones; :func:`split_sentences` itself keeps every word.
MAX_RUN_WORDS = 10 * MAX_SENTENCE_WORDS
#: Characters looked at after a full stop to decide whether a sentence ends there: the
#: next word and an attribution such as "Foreign Minister Jane Smith said" fit easily.
#: A fixed window keeps splitting linear in the length of the text.
_LOOKAHEAD = 200

# Terminal punctuation, then closing quotes/brackets (incl. the newswire '' closer),
# then whitespace before the next token.
_BOUNDARY = re.compile(r"(\.{2,}|…|[.!?]+)((?:''|[\"'”’)\]»])*)(\s+)(?=\S)")
_BLANK_LINE = re.compile(r"\n\s*\n")
_OPENERS = "\"'“‘([`«"
# "Smith said", "Foreign Minister Jane Smith added" after a closing quote: not a new sentence.
_NAME_THEN_VERB = re.compile(
    r"(?:[A-Z][\w'’.-]*\s+){1,4}(?:"
    + word_pattern(frozenset(v for v in SPEECH_VERBS if not v.endswith("ing")))
    + r"|(?:went|shot|fired|hit) (?:on|back)|chimed in)\b"
)
#: After a quote ending in a full stop, "Smith said" stays with it only when little more
#: follows ('"We have nowhere else to go." Reyes said it twice.'); a longer tail is a new
#: sentence ('..." Smith said he would fire the aide if ...'). Set on hand-written cases.
MAX_ATTRIBUTION_TAIL_WORDS = 5
# "Hun Sen said": a capitalised word, then a title abbreviation written without a period.
# (The look-behind "not after a word character or a period" is tested after the capital
# it guards, so that the regex engine can skip straight to capitals; same matches.)
_NAME_THEN_TITLE = re.compile(r"([A-Z](?<![\w.][A-Z])[a-z]+)\s+([A-Z][a-z]{1,4})(?=[\s,;:'’]|$)(?!\.)")
# A transcript speaker label: "JANE SMITH, HOST:", "SMITH:", "UNIDENTIFIED PERSON #2:".
_LABEL = re.compile(r"^\s*([A-Z][^:\n]{0,70}?):\s*")
_STAGE_DIRECTION = re.compile(r"^\s*\([^()]*\)\s*$")

#: Titles that never end a sentence: a name always follows.
_TITLES = wordset(
    """
    mr mrs ms mx dr prof st gov sen rep gen lt col capt cpt sgt cpl pvt maj adm cmdr
    brig rev hon pres supt det insp messrs mmes mt ft fr gens sens reps atty sec gov's
    """
)
#: Abbreviations that precede a number ("No. 5", "Vol. 2").
_BEFORE_NUMBER = wordset(
    """
    no nos vol vols pp p art fig figs ch sec op ed
    """
)
_MONTHS = frozenset(MONTH_ABBREVIATIONS)
#: Abbreviations that may end a sentence; they do only before a known sentence starter.
_ABBREVIATIONS = wordset(
    """
    inc corp co ltd llc plc jr sr vs v etc approx est dept univ assn bros ave blvd rd cf
    al ca min max tel govt intl natl
    """
)
#: Words that, capitalised after an abbreviation, show that a new sentence has begun.
_STARTERS = wordset(
    """
    the a an he she it they we i you his her its their our my this that these those
    there here but and yet so or nor if when while after before as although though
    because since once until unless in on at for with without by from to of into during
    despite under over about among between against through some many most all both each
    every several few no none one two three four five six seven eight nine ten what why
    how who whom whose where which however meanwhile still also earlier later last next
    now then today yesterday tomorrow tonight instead indeed thus otherwise officials
    police authorities mr mrs ms dr according asked speaking residents witnesses critics
    analysts experts sources
    """
)


def split_sentences(
    text: str, name_endings: frozenset[str] = frozenset(), *, max_run_words: int | None = None
) -> list[str]:
    """Split ``text`` into sentences, whitespace normalised inside each.

    Blank lines are hard boundaries; single newlines are just spaces. ``name_endings``
    are names whose last word looks like a title ("hun sen", lower-case; see
    :func:`title_like_names`): a period after them can end a sentence. The work is linear
    in the length of the text. ``max_run_words`` keeps only that many words of each run
    without sentence punctuation (default: every word).

    >>> split_sentences('Gov. Ann Lee met U.S. envoys at 5 p.m. Tuesday. "We agreed," she said.')
    ['Gov. Ann Lee met U.S. envoys at 5 p.m. Tuesday.', '"We agreed," she said.']
    >>> split_sentences("They met Hun Sen. Hun Sen left.", frozenset({"hun sen"}))
    ['They met Hun Sen.', 'Hun Sen left.']
    """
    sentences: list[str] = []
    for block in _BLANK_LINE.split(text):
        block = " ".join(block.split())
        if not block:
            continue
        start = 0
        for match in _BOUNDARY.finditer(block):
            if _is_boundary(block, match, name_endings):
                sentences.extend(_cap_length(block[start : match.end(2)], max_run_words))
                start = match.end()
        sentences.extend(_cap_length(block[start:], max_run_words))
    return _merge_fragments(sentences)


def segment(source_id: str, cleaned: CleanedText) -> tuple[Sentence, ...]:
    """Split every paragraph of one source into :class:`Sentence` objects.

    Ids are ``f"{source_id}.{n}"`` with ``n`` 1-based across the whole source. For
    transcripts, each paragraph's speaker label becomes ``turn_speaker`` (a paragraph
    without a label continues the previous turn; a stage direction has no speaker).

    >>> from storyweave.model import CleanedText
    >>> [s.id for s in segment("s1", CleanedText(("One. Two.", "Three"), ()))]
    ['s1.1', 's1.2', 's1.3']
    """
    sentences: list[Sentence] = []
    speaker: str | None = None
    name_endings = title_like_names(cleaned.paragraphs)
    for paragraph_index, paragraph in enumerate(cleaned.paragraphs):
        text = paragraph
        if cleaned.kind == "transcript":
            label, text = split_turn(paragraph)
            if label is not None:
                speaker = label
            elif _STAGE_DIRECTION.match(paragraph):
                speaker = None
        for sentence_text in split_sentences(text, name_endings, max_run_words=MAX_RUN_WORDS):
            sentences.append(
                Sentence(
                    id=f"{source_id}.{len(sentences) + 1}",
                    source_id=source_id,
                    index=len(sentences),
                    paragraph=paragraph_index,
                    text=sentence_text,
                    turn_speaker=speaker if cleaned.kind == "transcript" else None,
                )
            )
    return tuple(sentences)


def split_turn(paragraph: str) -> tuple[str | None, str]:
    """Split a transcript paragraph into its speaker label (without colon) and its text.

    >>> split_turn("JANE SMITH, HOST: Good morning.")
    ('JANE SMITH, HOST', 'Good morning.')
    >>> split_turn("(SOUNDBITE OF MUSIC)")
    (None, '(SOUNDBITE OF MUSIC)')
    """
    match = _LABEL.match(paragraph)
    if match is None:
        return None, paragraph
    label = " ".join(match.group(1).split())
    letters = [c for c in label if c.isalpha()]
    # A label is written in capitals and is short; "Update: ..." or "10:30" is not one.
    if len(letters) < 2 or any(c.islower() for c in letters) or len(label.split()) > 8:
        return None, paragraph
    return label, paragraph[match.end() :]


def title_like_names(paragraphs: Sequence[str]) -> frozenset[str]:
    """Two-word names whose second word is also a title abbreviation, as a text writes them
    without a period ("Hun Sen said"): lower-case, e.g. ``{"hun sen"}``.

    >>> sorted(title_like_names(["Cambodian leader Hun Sen said no.", "Sen. Ann Lee agreed."]))
    ['hun sen']
    """
    found = set()
    for paragraph in paragraphs:
        for match in _NAME_THEN_TITLE.finditer(paragraph):
            if match.group(2).lower() in _TITLES and match.group(1).lower() not in _TITLES:
                found.add(f"{match.group(1).lower()} {match.group(2).lower()}")
    return frozenset(found)


def _is_boundary(text: str, match: re.Match[str], name_endings: frozenset[str]) -> bool:
    """Decide whether the punctuation run in ``match`` ends a sentence."""
    terminal, closers = match.group(1), match.group(2)
    rest = text[match.end() : match.end() + _LOOKAHEAD]
    next_word = rest.split(" ", 1)[0]
    first_alnum = next((c for c in next_word if c.isalnum()), "")
    if first_alnum.islower():
        # '"Stay!" she said', 'wait... and then': the sentence goes on.
        return False
    if closers and closers not in {")", "]"}:
        # '"We will stay." Smith said.' keeps the attribution with its quote; but after a
        # full stop, 'Smith said he would ...' opens a sentence of its own.
        attribution = _NAME_THEN_VERB.match(rest)
        if attribution is None:
            return True
        if terminal != ".":
            return False
        tail = re.split(r"[.!?]", rest[attribution.end() :], maxsplit=1)[0]
        return len(tail.split()) > MAX_ATTRIBUTION_TAIL_WORDS
    if terminal != "." or closers:
        return True
    word_start = text.rfind(" ", max(0, match.start() - _LOOKAHEAD), match.start()) + 1
    word = text[word_start : match.start()].lstrip(_OPENERS)
    previous = text[max(0, word_start - 40) : word_start].split()[-1:]
    if previous and f"{previous[0].lower()} {word.lower()}" in name_endings:
        return next_word[:1].isupper() or next_word[:1] in _OPENERS  # "Hun Sen. Then"
    if previous and previous[0][:1].isupper() and word.lower() in _TITLES:
        # "... met Hun Sen. The talks": a title never ends a name, so before a clear
        # sentence starter this is a name's last word.
        next_bare = next_word.lstrip(_OPENERS).rstrip(".,;:!?\"'”’)").lower()
        if next_bare in _STARTERS - _TITLES or (len(next_word) > 1 and next_word[0] in '"“`'):
            return True
    return _period_ends_sentence(word, next_word)


def _period_ends_sentence(word: str, next_word: str) -> bool:
    """Whether a period after ``word`` ends a sentence, given the word that follows."""
    lower = word.lower()
    next_bare = next_word.lstrip(_OPENERS).rstrip(".,;:!?\"'”’)").lower()
    opens_quote = len(next_word) > 1 and next_word[0] in '"“`('
    starts_new = next_bare in _STARTERS or opens_quote
    if lower in _TITLES:
        return False
    if len(word) == 1 and word.isupper():
        # An initial ("George W. Bush") unless a sentence clearly starts after it.
        return starts_new
    if lower in _BEFORE_NUMBER or lower in _MONTHS:
        if next_word[:1].isdigit():
            return False
        return lower in _BEFORE_NUMBER or starts_new
    if lower in _ABBREVIATIONS or ("." in word and _is_dotted_abbreviation(word)):
        return starts_new
    return True


def _is_dotted_abbreviation(word: str) -> bool:
    """'U.S', 'a.m', 'e.g', 'Ph.D' (the final period is the candidate boundary)."""
    parts = word.split(".")
    return all(0 < len(p) <= 2 and p.isalpha() for p in parts)


def _merge_fragments(sentences: list[str]) -> list[str]:
    """Attach pieces without a letter or digit (a lone "..." or "_") to the sentence before."""
    groups: list[list[str]] = []  # joined once at the end: a run of "! ! !" stays linear
    for sentence in sentences:
        if not sentence:
            continue
        if groups and not any(c.isalnum() for c in sentence):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return [" ".join(group) for group in groups]


def _cap_length(sentence: str, max_words: int | None = None) -> list[str]:
    """Cut a sentence longer than :data:`MAX_SENTENCE_WORDS` at clause boundaries, keeping
    at most ``max_words`` words of it (all when ``None``)."""
    words = sentence.split()
    if max_words is not None and len(words) > max_words:
        words = words[:max_words]
    if len(words) <= MAX_SENTENCE_WORDS:
        return [" ".join(words)] if words else []
    pieces: list[str] = []
    start = 0
    while len(words) - start > MAX_SENTENCE_WORDS:
        cut = MAX_SENTENCE_WORDS
        for marks in (";", ",:"):
            found = [
                i + 1
                for i in range(MIN_CLAUSE_WORDS - 1, MAX_SENTENCE_WORDS - 1)
                if words[start + i][-1:] in marks
            ]
            if found:
                cut = found[-1]
                break
        pieces.append(" ".join(words[start : start + cut]))
        start += cut
    if start < len(words):
        pieces.append(" ".join(words[start:]))
    return pieces


def unbalanced_quotes(text: str) -> bool:
    """Whether ``text`` opens or closes a quotation it does not also close or open
    (half of a quote the splitter had to cut)."""
    return (
        text.count('"') % 2 == 1
        or text.count("“") != text.count("”")
        or text.count("``") != text.count("''")
    )


def stands_alone(text: str) -> bool:
    """Whether a sentence reads on its own: no half quotation, no lower-case start."""
    stripped = text.lstrip("\"'“‘`([ ")
    return bool(stripped) and not stripped[0].islower() and not unbalanced_quotes(text)


#: Fewer words than this make an aside ("He declined."), not a claim.
MIN_CLAIM_WORDS = 5
#: A statement ends with a full stop or an exclamation mark, perhaps inside a closing quote
#: or bracket; a headline, a teaser or the text of a link does not.
_STATEMENT_END = re.compile(r"[.!…][\"'’”)\]]*$")


def is_claim(text: str) -> bool:
    """Whether a sentence states something a source can be said to report: not a question,
    not a lead-in to an embed or a list ("Twitter seemed confused:"), not a headline,
    teaser or link text (no full stop), not a short aside.

    >>> is_claim("The strike ended on Sunday after 14 hours of talks."), is_claim("And the ships?")
    (True, False)
    """
    stripped = text.strip()
    if len(stripped.split()) < MIN_CLAIM_WORDS:
        return False
    if stripped.rstrip("\"'’”)]").endswith(("?", ":")):
        return False
    return bool(_STATEMENT_END.search(stripped))
