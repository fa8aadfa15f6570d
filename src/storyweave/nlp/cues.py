"""Reporting cues and the speaker phrase tied to each: the grammar half of the quote stage.

:func:`find_cues` finds, in one paragraph and outside its quotation marks, every verb of
saying or framing (the lexicons are in :mod:`storyweave.nlp.reporting`), two-word cues
("shot back") and "according to", each with the speaker phrase as written: the subject
before the verb (``Smith, the foreign minister, said``; ``she told reporters``), the phrase
after an inverted verb (``said Jane Smith``), the clause's subject for a participle
(``Brown endorsed her, citing …``), or the speaker of the cue before it for a coordinated
verb (``Hollande denounced … and warned …``). :mod:`storyweave.nlp.attribution` ties the
cues to statements; :mod:`storyweave.nlp.speakers` turns the phrases into names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reporting import FRAMING_VERBS, SPEECH_VERBS, word_pattern
from .tokens import wordset

#: Participles that hang on the clause's subject: 'Smith issued a statement, saying "…"'.
_PARTICIPLES = frozenset(w for w in SPEECH_VERBS | FRAMING_VERBS if w.endswith("ing"))
ALL_VERBS = SPEECH_VERBS | FRAMING_VERBS
_VERB_RE = re.compile(word_pattern(ALL_VERBS, not_after=r"[\w’'-]") + r"(?![\w’'-])")
#: The longest speaker phrase looked for before a verb, in characters ("former State
#: policy planning director Anne-Marie Slaughter" is 60).
MAX_SPEAKER_CHARS = 160
#: Two-word cues: "shot back", "pointed out", "weighed in".
_PHRASAL = re.compile(
    r"(?<![\w-])((?:shot|shoots|fired|fires|hit|hits|pushed|pushes|wrote|snapped|fought)\s+back"
    r"|(?:pointed|points)\s+out|(?:chimed|chimes|weighed|weighs)\s+in|(?:went|goes)\s+on"
    r"|(?:put|puts)\s+it|(?:summed|sums)\s+up|(?:spoke|speaks)\s+out)(?![\w-])"
)
_ACCORDING = re.compile(r"(?<![\w-])[Aa]ccording to\s+")
#: Words before a verb that make it passive or not a report ("was told", "to say").
_NOT_REPORT_BEFORE = wordset(
    """
    was were is are be been being to not never would could should might may must can will
    so-called
    """
)
_PRONOUNS = wordset("he she they it i we you He She They It I We You")
_BE = wordset("is are was were be been")
#: Adverbs and auxiliaries written between a speaker and the cue ("Smith also told").
_BETWEEN = wordset(
    """
    also later then again once simply earlier previously recently has had have would will
    did does do had since further repeatedly reportedly often already still yet even
    separately privately publicly flatly angrily quickly bluntly openly has long
    """
)
#: Title words a name may carry before it ("former tech executive Carly Fiorina").
MAX_TITLE_WORDS_BEFORE = 5
#: Words that are never part of a title written before a name.
FUNCTION_WORDS = wordset(
    """
    the a an and or but of in on at to for from with by as about after before during when
    while that which who this these those his her their its our my your is was were are
    be been has had have will would said says told also not no than then there here so
    if because since though although where
    """
)
_DETERMINERS = wordset(
    "the a an one another his her their its our this that these those some two three"
)
_PARTICLES = wordset("de van von der da del bin al la le du ibn dos bint")
# A word that can be part of a name: capitalised, an initial, a hyphenated or apostrophe
# name; lowercase particles only between capitalised words.
#: A capitalised word or an initial: "(?:[A-Z](?:[\w.-]|['’](?=\w))*|[A-Z]\.)" with the
#: capital factored out of the two branches (the same matches, tried in the same order),
#: so that a pattern starting with it lets the regex engine skip to the capitals.
_CAP = r"(?:[A-Z](?:(?:[\w.-]|['’](?=\w))*|\.))"
NAME_RUN = re.compile(rf"{_CAP}(?:\s+(?:(?:{'|'.join(_PARTICLES)})\s+)?{_CAP})*")
NAME_RUN_END = re.compile(rf"(?:^|(?<=[\s(\[—–-]))({_CAP}(?:\s+(?:(?:{'|'.join(_PARTICLES)})\s+)?{_CAP})*)$")
# A description ending at a verb: "the foreign minister", "a ministry spokeswoman",
# "Obama's former campaign strategist", "the 63-year-old senator".
_DESCRIPTION_END = re.compile(
    r"(?:^|(?<=[\s(—–-]))((?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts"
    r"|[A-Z][\w.-]*['’]s?)\s+(?:[\w'’.-]+\s+){0,5}?[\w'’-]+)$"
)
# Lowercase title words written before a name after an inverted cue ("said former UN
# Ambassador John Bolton"); never a preposition, article or pronoun.
_TITLE_WORD = (
    r"(?!(?:in|on|at|to|of|for|with|by|from|that|the|a|an|and|or|it|this|his|her|their|its"
    r"|he|she|they|we|i|was|is|are|were|will|would|has|had|not)\b)[a-z0-9][\w'’/-]*"
)
_WHOSE = re.compile(rf"({NAME_RUN.pattern}),\s+whose\s[^\"“”]*,$")
_PLURAL_SUBJECT_END = re.compile(r"(?:^|(?<=\s))([a-z][\w-]*s)$")
_APPOSITIVE_TAIL = re.compile(r",\s*([^,\"“”«»]{1,100}?),?$")
# "with Donald Trump tweeting": the participle's own subject stands right before it.
_ABSOLUTE = re.compile(r"(?:^|\bwith\s+)(?:[A-Z][\w'’.-]*\s+){1,4}(?:[a-z]+ly\s+)?$")
_AGE_OR_PLACE_TAIL = re.compile(
    r",\s*(?:\d{1,3}|of\s+[A-Z][^,]{0,40}|[A-Z][a-z]{1,4}\.|[A-Z]{2}|[DRI]-[\w.]+)$"
)
_PARENTHESIS_TAIL = re.compile(r"\s*\([^()]{1,40}\)$")
_TRAILING_TIME = re.compile(
    r"(?:\s+(?:on|last|this|early|late|earlier|later)?\s*(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|today|yesterday|tonight|morning|afternoon|evening|night|week))+$"
)
@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting cue in a paragraph, with its speaker phrase as written (or ``None``)."""

    start: int  # the verb (or "according to")
    end: int
    verb: str
    speaker: str | None
    speaker_start: int
    speaker_end: int
    after_verb: bool  # 'said Smith': the speaker follows the verb


# --- cues ---------------------------------------------------------------------------------


def find_cues(
    text: str, bounds: list[tuple[int, int]], pairs: list[tuple[int, int, int, int]]
) -> list[Cue]:
    """Reporting cues outside quotation marks, each with its speaker phrase."""
    inside = [(p[0], p[3] if p[3] >= 0 else len(text)) for p in pairs]

    def quoted(at: int) -> bool:
        return any(a <= at < b for a, b in inside)

    cues: list[Cue] = []
    for match in _VERB_RE.finditer(text):
        if quoted(match.start()):
            continue
        verb = match.group()
        sentence_start = start_of_sentence(bounds, match.start())
        before = text[sentence_start : match.start()]
        previous = before.split()[-1] if before.split() else ""
        if previous.lower() in _DETERMINERS or (
            previous.lower() in _NOT_REPORT_BEFORE
            and not (verb.endswith("ing") and previous.lower() in _BE)
        ):
            continue  # "was told", "to say", "the report", "his comments"; "is saying" is fine
        if re.search(r"\w['’]s$|s['’]$", previous):
            continue  # "Trump's claims", "the senators' comments": nouns
        speaker = None
        earlier = [c for c in cues if c.start >= sentence_start and c.speaker is not None]
        if verb in _PARTICIPLES and earlier and re.search(r",\s*$", before):
            # 'Hollande said Tuesday in Paris, noting …': the same speaker goes on.
            last = earlier[-1]
            cues.append(Cue(match.start(), match.end(), verb, last.speaker,
                             last.speaker_start, last.speaker_end, after_verb=False))
            continue
        if verb in _PARTICIPLES and not _ABSOLUTE.search(before):
            # 'Stanton wrote to Lynch asking …', 'Brown endorsed her, citing …': the one
            # asking is the clause's subject ('with Trump tweeting' is Trump).
            speaker = clause_subject(text, sentence_start, match.start(), inside)
        if speaker is None:
            speaker = _subject(text, sentence_start, match.start(), inside)
        if speaker is not None and verb in _NOUNISH and _possessive_start(speaker[0]):
            continue  # "in her opening remarks": a noun
        if speaker is not None:
            cues.append(Cue(match.start(), match.end(), verb, *speaker, after_verb=False))
            continue
        if previous.lower() in ("and", "but", "then") and not verb.endswith("ing"):
            # 'Hollande denounced the remarks and warned of …': the same speaker again.
            earlier = [c for c in cues if c.start >= sentence_start and c.speaker is not None
                       and not c.after_verb]
            if earlier:
                last = earlier[-1]
                cues.append(Cue(match.start(), match.end(), verb, last.speaker,
                                 last.speaker_start, last.speaker_end, after_verb=False))
                continue
        after = _speaker_after(text, match.end(), end_of_sentence(bounds, match.start()))
        if after is not None and verb in SPEECH_VERBS and verb not in _PARTICIPLES:
            cues.append(Cue(match.start(), match.end(), verb, *after, after_verb=True))
        elif verb in SPEECH_VERBS | FRAMING_VERBS and not verb.endswith("ing"):
            # "officials said", "critics called it": a cue with no speaker to name.
            subject = _plural_subject(before)
            if subject:
                cues.append(Cue(match.start(), match.end(), verb, None, match.start(),
                                 match.start(), after_verb=False))
    for match in _PHRASAL.finditer(text):
        if quoted(match.start()):
            continue
        sentence_start = start_of_sentence(bounds, match.start())
        speaker = _subject(text, sentence_start, match.start(), inside)
        if speaker is not None:
            cues.append(Cue(match.start(), match.end(), match.group(1), *speaker,
                             after_verb=False))
    for match in _ACCORDING.finditer(text):
        if quoted(match.start()):
            continue
        after = _speaker_after(text, match.end() - 1, end_of_sentence(bounds, match.start()))
        if after is not None:
            cues.append(Cue(match.start(), match.end(), "according to", *after, after_verb=True))
    cues.sort(key=lambda c: c.start)
    return cues


def _possessive_start(phrase: str | None) -> bool:
    first = phrase.split()[0].lower() if phrase and phrase.split() else ""
    return first in ("his", "her", "their", "its", "our", "my", "your") or bool(
        re.search(r"\w['’]s$", first)
    )


def _subject(
    text: str, sentence_start: int, verb_start: int, inside: list[tuple[int, int]]
) -> tuple[str | None, int, int] | None:
    """The speaker phrase that ends right before a verb: 'Jane Smith', 'she', 'the
    minister', 'Smith, the foreign minister,' (an appositive), 'Ryan (R-Wis.)'."""
    end = verb_start
    head = text[sentence_start:end].rstrip()
    # Adverbs and auxiliaries between speaker and verb ("Smith also has said").
    while True:
        words = head.rsplit(None, 1)
        if len(words) == 2 and (words[1].lower() in _BETWEEN or words[1].lower().endswith("ly")
                                and words[1].islower() and len(words[1]) > 4):
            head = words[0].rstrip()
        else:
            break
    head = _TRAILING_TIME.sub("", head).rstrip()
    head = _PARENTHESIS_TAIL.sub("", head).rstrip()
    while True:  # "Cory James, 22, of Flint, Mich., said": age and home go
        trimmed = _AGE_OR_PLACE_TAIL.sub("", head.rstrip(",")).rstrip()
        if trimmed == head.rstrip(",").rstrip():
            break
        head = trimmed
    base = sentence_start
    # "Smith, the foreign minister, said" / "Sam Rainsy, who earlier called": the head noun
    # phrase stands before the appositive or relative clause.
    whose = _WHOSE.search(head[-300:])
    if whose:
        head = head[: len(head) - len(head[-300:]) + whose.end(1)]
    dashed = re.search(r"\s[—–-]{1,2}\s[^—–\"“”]{1,80}\s[—–-]{1,2}$", head)
    if dashed:
        head = head[: dashed.start()].rstrip()  # "Jason Sims — a teacher —": the name
    relative = re.search(r",\s*(?:who|which)\s*$", head)
    if relative:
        head = head[: relative.start()].rstrip()
    appositive = ""
    if head.endswith(","):
        tail = _APPOSITIVE_TAIL.search(head[:-1] + ",")
        inner = head[:-1]
        cut = inner.rfind(",")
        if cut > 0 and tail is not None and not any(a <= base + cut < b for a, b in inside):
            kept = inner[cut:]
            if re.match(r",\s+(?:the|a|an)\s", kept) and word_count(kept) <= 8:
                appositive = kept  # "Smith, the foreign minister,": a role to keep
            elif re.fullmatch(rf",\s+{NAME_RUN.pattern}", kept):
                appositive = kept  # "his wife, Ana Lazar,": the name to keep
            head = inner[:cut].rstrip()
    if not head or head[-1] in "\"”'’»":
        return None
    found = _phrase_end(head)
    if found is None:
        return None
    phrase, offset = found
    if phrase[:1].isupper() and phrase.split()[0] not in _PRONOUNS:
        # "CrowdStrike co-founder Dmitri Alperovitch": the title words belong to it.
        end = offset + len(phrase)
        offset = _title_start(head, offset)
        phrase = head[offset:end]
    start = base + offset
    if any(a <= start < b for a, b in inside):
        return None
    return (phrase + appositive).strip(" ,"), start, start + len(phrase)


def _title_start(head: str, offset: int) -> int:
    """Where the title words written before a name start ("former UN Ambassador")."""
    taken = 0
    while offset > 0 and taken < MAX_TITLE_WORDS_BEFORE:
        before = head[:offset].rstrip()
        if not before or before[-1] in ",;:\"“”'’`»)(—–-":
            break
        word_at = before.rfind(" ") + 1
        word = before[word_at:]
        if word.lower() in FUNCTION_WORDS or word.lower() in ALL_VERBS:
            break
        offset = word_at
        taken += 1
    return offset


def _phrase_end(head: str) -> tuple[str, int] | None:
    """The speaker phrase at the end of ``head`` and where it starts."""
    if len(head) > MAX_SPEAKER_CHARS:
        # Only the end can hold the phrase; the patterns below are anchored there, and
        # searching a long sentence from every position would cost its length squared.
        cut = len(head) - MAX_SPEAKER_CHARS
        found = _phrase_end(head[cut:])
        return (found[0], found[1] + cut) if found is not None else None
    last = head.split()[-1] if head.split() else ""
    if last in _PRONOUNS:
        return last, len(head) - len(last)
    # "Stacy Baker of Columbia": a place after "of" is not the speaker.
    of_place = re.search(rf"({NAME_RUN.pattern})\s+of\s+(?:the\s+)?{NAME_RUN.pattern}$", head)
    if of_place and len(of_place.group(1).split()) >= 2:
        return of_place.group(1), of_place.start(1)
    pair = re.search(rf"({NAME_RUN.pattern})\s+and\s+({NAME_RUN.pattern})$", head)
    if pair and pair.group(1).split()[0].lower() not in FUNCTION_WORDS:
        return pair.group(0), pair.start()  # "Cummings and Conyers wrote"
    name = NAME_RUN_END.search(head)
    description = _DESCRIPTION_END.search(head)
    if description is not None and (name is None or description.start(1) < name.start(1)):
        phrase = description.group(1)
        words = phrase.split()
        if words[-1].lower() in FUNCTION_WORDS | {"upon", "over", "into"}:
            description = None  # "a wave of boos upon saying": no noun phrase ends here
        elif words[-1][:1].islower() or len(words) > 1 and not _is_name_run(words[1:]):
            return phrase, description.start(1)
    if name is not None:
        before = head[: name.start(1)].split()
        if before and before[-1].lower() in _PLACE_PREPOSITIONS:
            return None  # "Court officials in Madrid said": a place, not the speaker
        return name.group(1), name.start(1)
    return None


#: A name right after one of these is a place or an object ("officials in Madrid said").
_PLACE_PREPOSITIONS = wordset("in at from to for near into on by with across outside inside")


def _is_name_run(words: list[str]) -> bool:
    return all(w[:1].isupper() or w in _PARTICLES for w in words)


def clause_subject(
    text: str, sentence_start: int, verb_start: int, inside: list[tuple[int, int]]
) -> tuple[str | None, int, int] | None:
    """The subject at the start of the clause a participle hangs on: 'Smith issued a
    statement Tuesday, saying "…"' -> Smith."""
    head = text[sentence_start:verb_start]
    start = 0
    lead = re.match(r"\s*(?:But|And|Yet|So|Still|Meanwhile|Instead|However|Now|Then),?\s+", head)
    if lead:
        start = lead.end()
    # "In a statement released Thursday, Rep. Ida Holm reacted, saying": past the opener.
    opener = re.match(r"\s*(?:In|At|On|After|During|Before|Speaking|Asked|Earlier|Later|Last|"
                      r"Since|From|With|Before|Following|Responding|Writing)\b[^,\"“”]{0,80},\s+",
                      head[start:])
    if opener:
        start += opener.end()
    rest = head[start:]
    if not rest or rest[0] in "\"“`'‘«":
        return None
    # The subject runs up to its verb: "Cambodian leader Hun Sen on Friday rejected".
    words = re.match(r"(?:[\w'’.,-]+\s+){0,8}", rest)
    phrase: list[str] = []
    for word in (words.group() if words else "").split():
        bare = word.lower()
        if bare in _SUBJECT_STOP or (word.islower() and re.search(r"(?:ed|s)$", bare)
                                     and bare not in _TITLE_NOUNS):
            break
        phrase.append(word)
        if word.endswith(","):
            break
    if not phrase:
        return None
    subject = " ".join(phrase).rstrip(",")
    if phrase[-1].endswith(",") and not subject[:1].isupper():
        # "One early supporter, Representative Lee Zeldin, ...": the name in apposition.
        named = re.match(rf"\s*({NAME_RUN.pattern}),", rest[len(" ".join(phrase)) :])
        if named:
            subject = f"{subject}, {named.group(1)}"
    if subject.split()[0].lower() in ("he", "she", "they"):
        subject = subject.split()[0]
    at = sentence_start + start
    if any(a <= at < b for a, b in inside):
        return None
    return subject, at, at + len(subject)


#: Verb forms that are as often plural nouns ("her remarks", "Trump's claims").
_NOUNISH = frozenset(
    ["remarks", "comments", "claims", "charges", "reports", "notes", "demands", "promises", "answers", "counters", "pledges", "vows", "calls", "terms", "labels", "brands", "blasts", "slams", "cites", "hopes", "fears", "finds", "thinks", "worries", "recommends", "tweets", "posts"]
)
#: Words that end a clause's subject: prepositions, auxiliaries, common verbs.
_SUBJECT_STOP = wordset(
    """
    on in at for of to from with by about after before during when while who which that
    has had have is was were are will would could should can may might did does do also
    then again later earlier once took gave made went came said says told threw got held
    led met ran saw sent set spent stood won wrote spoke sought brought bought thought kept
    left lost paid put began became broke chose drew drove fell felt fought flew grew heard
    hit knew meant rose sat shot sold struck swore taught understood withdrew
    """
)
#: Lowercase role nouns ending in -s that belong to a subject ("boss", "witness").
_TITLE_NOUNS = wordset("boss witness actress hostess press status campus")


def _speaker_after(text: str, verb_end: int, limit: int) -> tuple[str | None, int, int] | None:
    """The speaker after an inverted cue: 'said Jane Smith, the minister', 'said the
    statement', 'according to Smith'."""
    rest = text[verb_end:limit]
    lead = re.match(r"\s+(?:(?:on|last|this|late|early)\s+)?(?:Monday|Tuesday|Wednesday|"
                    r"Thursday|Friday|Saturday|Sunday|today|yesterday)?,?\s*", rest)
    skip = lead.end() if lead else 0
    body = rest[skip:]
    match = re.match(
        rf"(?:(?:he|she|they)\b|((?:(?:{_TITLE_WORD}|{_CAP}|of)\s+){{0,6}}{NAME_RUN.pattern}"
        rf"|(?:the|a|an|one|another|[A-Z][\w.-]*['’]s)\s+(?:[\w'’-]+\s+){{0,4}}?[\w'’-]+))"
        rf"(,\s+(?:(?:the|a|an|who)\s+[^,.;\"“”`]{{2,60}}|{NAME_RUN.pattern}(?=\s*[,.;]|$)))?"
        r"(?=\s*(?:[,.;:!?)—–]|$|\s(?:in|on|at|during|after|before|when|as|while|about|of|to"
        r"|told|who|from|last|this|earlier|later|Monday|Tuesday|Wednesday|Thursday|Friday"
        r"|Saturday|Sunday)\b))",
        body,
    )
    if match is None:
        return None
    phrase = match.group(0)
    start = verb_end + skip
    phrase = phrase.rstrip(" ,.")
    if not phrase:
        return None
    return phrase, start, start + len(phrase)


def _plural_subject(before: str) -> bool:
    """'officials said', 'critics called': a plural noun right before the verb."""
    return _PLURAL_SUBJECT_END.search(before.rstrip()) is not None


def start_of_sentence(bounds: list[tuple[int, int]], at: int) -> int:
    for start, end in bounds:
        if start <= at < end + 1:
            return start
    return 0


def end_of_sentence(bounds: list[tuple[int, int]], at: int) -> int:
    for start, end in bounds:
        if start <= at < end + 1:
            return end
    return bounds[-1][1] if bounds else at


def has_word(text: str) -> bool:
    return re.search(r"\w", text) is not None


def word_count(text: str) -> int:
    return len(re.findall(r"[\w'’-]+", text))


def lstrip_len(text: str, at: int) -> int:
    rest = text[at:]
    return len(rest) - len(rest.lstrip(" \"“”'‘’`«»"))
