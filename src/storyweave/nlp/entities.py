"""People, organisations and places named across a cluster, with the roles the sources give.

Two readers over the sentences, merged in :mod:`storyweave.nlp.entity_list`:

- **the name tagger** (:mod:`storyweave.nlp.ner`, a small linear model over word features
  and place/name word lists) finds the names and their type: person, organisation, place
  (or another named thing, which is not listed). It finds names whatever surrounds them: in
  results tables, one-line items and lists as well as in prose.
- **rules** read what the sources say around a name, which settles the type where the
  sources say it and gives the roles:
  - people: a title ("Transport Minister Oskar Brandt", "union boss Ilves"), an apposition
    ("Brandt, the transport minister," / "the union's general secretary, Marta Ilves"), an
    age ("Dora Venn, 67,"), a reporting verb ("Saal said"), a transcript label or a quote
    attribution. A phrase after "in", "at", "from"... or after "the" is a place or a thing.
  - organisations: capitalised phrases ending in an organisation word ("Velmora Dockers'
    Union", "Ministry of Transport"), or placed as one by an apposition ("His company, Aske
    Structural,") or a "which" clause; acronyms in brackets become aliases.
- variants of one name ("Brandt", "BRANDT", "Mr. Brandt", "Oskar Brandt") merge into one
  :class:`~storyweave.model.Entity` under the fullest properly-cased form.

Outlets and the journalists who report (hosts, correspondents) are left out: they are
who tells the story, not who is in it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from ..model import Entity, Quote, Source
from . import names, roles
from .entity_list import MAX_ENTITIES, Reader, assemble, fold
from .ner import TYPES, NameMention, NameTagger
from .tokens import STOPWORDS, wordset

__all__ = ["MAX_ENTITIES", "find_entities"]


#: The last word of an organisation's name.
ORG_HEADS = wordset(
    """
    union unions authority ministry council party agency institute alliance commission
    committee corporation company co co. inc inc. ltd ltd. plc group bank association
    federation department office service services police army navy court university college
    foundation organisation organization board bureau league front movement parliament
    assembly government line lines shipping airlines airways ltd motors industries holdings
    trust fund institution coalition congress senate club network corps guard center
    centre administration ministries commission
    """
)
#: The last (or first) word of a place's name: never a person or an organisation.
PLACE_HEADS = wordset(
    """
    street road avenue square sea river bridge terminal port harbour harbor island islands
    bay valley mountains mountain lake coast province district region county hotel church
    airport station park hall gate plaza state
    """
)
#: Roles of the people who report the story rather than appear in it.
JOURNALIST_ROLES = names.NARRATOR_ROLES | {"editor"}
#: Apposition nouns that make the named thing a place ("the regional capital, Brask").
PLACE_ROLE_NOUNS = wordset("capital city town village country region province port island")
_PLACE_BEFORE = wordset("in at from near into across outside inside off via to toward towards")
_HONORIFICS = names.HONORIFICS
# Words and names read without a possessive ending (every phrase's words: no regex).
_unpossessed = names.strip_possessive
_SAID = re.compile(r"^\s*(?:,\s*\d{1,3},\s*)?(?:said|says|told|added|insisted|warned|argued)\b")
_WHICH = re.compile(r"^,\s*which\b")
# A lowercase word (the words the cluster also writes in lowercase).
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")
_WHO = re.compile(r"^,\s*who\b")
_ACRONYM = re.compile(r"^\s*\(([A-Z]{2,6})\)")
# A capitalised phrase: names of people and of organisations ("Ministry of Transport",
# "Velmora Dockers' Union", "People's Party").
_PHRASE = re.compile(
    r"(?<![\w'’.-])[A-Z][\w'’&.-]*(?:\s+(?:(?:of|for|on)\s+(?:the\s+)?)?[A-Z][\w'’&-]*\.?)*"
)


def find_entities(
    sources: Sequence[Source],
    quotes: Sequence[Quote],
    limit: int | None = MAX_ENTITIES,
    tagger: NameTagger | None = None,
) -> tuple[Entity, ...]:
    """People, organisations and places named in ``sources``, most widely reported first.

    ``limit`` caps the list (None: every name); ``tagger`` is the loaded name tagger
    (loaded here when not given: a caller that briefs many clusters loads it once).

    >>> from storyweave.model import Sentence, Source
    >>> s = Sentence("s1.1", "s1", 0, 0, "Transport Minister Oskar Brandt said talks ended.")
    >>> src = Source("s1", "a.txt", None, None, None, None, None, "article", (s,), ())
    >>> [(e.name, e.roles) for e in find_entities([src], [])]
    [('Oskar Brandt', ('transport minister',))]
    """
    # One search over all sentences, a line apart (no word runs over a line break).
    common = frozenset(
        _LOWER_WORD.findall(
            "\n".join(sentence.text for source in sources for sentence in source.sentences)
        )
    )
    reader = Reader(outlets=_outlet_names(sources), common=common)
    order = {source.id: n for n, source in enumerate(sources)}
    tagger = tagger or NameTagger.load()
    for source in sources:
        # One source is one text to the tagger: a name gets one type within it.
        tagged: dict[int, list[NameMention]] = {}
        for mention in tagger.tag([sentence.text for sentence in source.sentences]):
            tagged.setdefault(mention.sentence, []).append(mention)
        for n, sentence in enumerate(source.sentences):
            position = (order[source.id], sentence.index)
            if sentence.turn_speaker:
                _read_label(reader, sentence.turn_speaker, position)
            _read_sentence(reader, sentence.text, position)
            _read_tagged(reader, sentence.text, tagged.get(n, []), position)
    for quote in quotes:
        if quote.speaker and quote.sentence_ids:
            source_number = order.get(quote.sentence_ids[0].split(".")[0], 0)
            name = _person_name(quote.speaker)
            if name:
                reader.person(name, (source_number, 10**6)).evidence += 1
    return assemble(reader, sources, limit)


def _outlet_names(sources: Sequence[Source]) -> frozenset[str]:
    found = set()
    for source in sources:
        for value in (source.outlet, source.title):
            if value:
                found.add(fold(value))
                found.add(fold(re.sub(r"\s*\([^)]*\)", "", value)))
                found.add(fold(re.sub(r"^the\s+", "", value, flags=re.IGNORECASE)))
    return frozenset(found)


def _read_label(reader: Reader, label: str, position: tuple[int, int]) -> None:
    person = names.split_label(label)
    name = names.title_case(person.name) if person.name.isupper() else person.name
    if not names.looks_like_person(name):
        return
    found = reader.person(name, position, person.name)
    found.evidence += 1
    found.cues += 1  # a transcript label names a person
    if person.role in JOURNALIST_ROLES:
        found.journalist = True
    elif person.role:
        found.roles.append(person.role)


def _read_sentence(reader: Reader, text: str, position: tuple[int, int]) -> None:
    dateline = _DATELINE.match(text)
    if dateline:
        reader.cue_place(fold(dateline.group(1)), 1)
    lower = text.lower()
    if (_may_be_chrome(lower) and _CHROME.search(text)) or _all_capitals(text):
        return  # a headline in capitals: no case to read names by (the tagger still reads it)
    if _may_be_credit(lower) and _CREDIT.search(text):
        # "Staff writers Ann Lee and Tom Reed contributed to this report": journalists.
        for phrase in names.name_phrases(text):
            person = names.split_name(phrase)
            if person.name and names.looks_like_person(person.name):
                reader.person(person.name, position).journalist = True
        return
    for start, end in _phrase_spans(text):
        phrase = text[start:end]
        before, after = text[:start], text[end:]
        # "Sudmark's Tobias Wren": the owner is a country or an organisation, not the name
        # (but "People's Party" is one name).
        words = phrase.split()
        owners = [i for i, w in enumerate(words[:-2]) if _unpossessed(w) != w]
        if (
            not owners
            and len(words) == 2
            and _unpossessed(words[0]) != words[0]
            and _unpossessed(words[1]).lower() not in ORG_HEADS
        ):
            owners = [0]
        if owners:
            start += sum(len(w) + 1 for w in words[: owners[-1] + 1])
            words = words[owners[-1] + 1 :]
        # Sentence-initial "Citing", "However": not part of the name.
        opening = not before.strip(" \"“'‘(—–-")
        if (
            opening
            and len(words) > 1
            and (_not_a_name_word(words[0]) or words[0].lower() in reader.common)
            and words[0].lower() not in _PLACE_PREFIXES
        ):
            start += len(words[0]) + 1
            words = words[1:]
            before = text[:start]
        phrase = " ".join(words)
        # The last two words before the phrase (rsplit: the same as split()[-2:]).
        last_two = before.rsplit(None, 2)[-2:]
        previous = last_two[-1].lower().strip('("“') if last_two else ""
        if _read_org(reader, phrase, before, after, previous, position):
            continue
        if previous in _PLACE_BEFORE or previous in ("the", "a", "an"):
            if previous in _PLACE_CUES and 1 <= len(words) <= 3:
                reader.cue_place(fold(_tagged_name(phrase)), 1)
            continue
        earlier = last_two[-2:-1]
        if previous == "of" and earlier and earlier[0].lower() in _PLACE_OF and len(words) <= 3:
            reader.cue_place(fold(_tagged_name(phrase)), 1)  # "the port of Velmora"
        if previous == "of" and earlier and earlier[0][:1].isupper():
            continue  # "Melissa Wallace of St. Louis", "Mayor of Tarsin": a place or a body
        _read_person(reader, phrase, text[:start], after, position)


def _all_capitals(text: str) -> bool:
    """A line written in capitals ("CZECH VICE-PM SEES WIDER DEBATE AT PARTY CONGRESS")."""
    words = 0  # words opening with a letter; one with a lowercase letter settles it
    for word in text.split():
        if word[:1].isalpha():
            if any(c.islower() for c in word):
                return False
            words += 1
    return words >= 3


def is_abbreviation(word: str) -> bool:
    """A title written with a dot ("Sen", "Gen", "Mr")."""
    return word.lower() + "." in names.ROLE_WORDS | _HONORIFICS or word.lower() in (
        "st",
        "jr",
        "sr",
    )


def _not_a_name_word(word: str) -> bool:
    lower = word.lower()
    return lower in STOPWORDS or lower.endswith(("ing", "ly")) or lower in names.NOT_NAME_WORDS


def _phrase_spans(text: str) -> list[tuple[int, int]]:
    """Capitalised phrases, cut at "of"/"for"/"on" unless an organisation or place word comes
    before it ("Ministry of Transport", but "Negotiators | for the | Velmora Dockers' Union")."""
    spans = []
    for match in _PHRASE.finditer(text):
        start = match.start()
        for stop in _INNER_STOP.finditer(match.group(0)):
            # A full stop inside a phrase ends a sentence ("Hun Sen. Sam Rainsy") unless it
            # follows an initial ("George W. Bush") or a leading title ("Sen. Tom Reed").
            word = match.group(0)[: stop.start()].split()[-1]
            leading = match.start() + stop.start() - len(word) == start
            initials = re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word)  # "O.J. Simpson"
            title = word.lower() in roles.TITLE_ABBREVIATIONS  # "Maryland Gov. Martin O'Malley"
            if (
                len(word) > 1
                and not initials
                and not title
                and not (leading and is_abbreviation(word))
            ):
                spans.append((start, match.start() + stop.start() + 1))
                start = match.start() + stop.end()
        for joint in _JOINER.finditer(match.group(0)):
            before = match.group(0)[: joint.start()].split()[-1].lower()
            if before not in ORG_HEADS and before not in PLACE_HEADS:
                spans.append((start, match.start() + joint.start()))
                start = match.start() + joint.end()
        spans.append((start, match.end()))
    return spans


_INNER_STOP = re.compile(r"\.\s+")
# Lines crediting the journalists who wrote or helped with the report.
_CREDIT = re.compile(
    r"\bcontributed(?: reporting)? to this (?:report|story|article)\b|^(?:staff writers?|"
    r"(?:additional )?reporting by|writing by|editing by|compiled by)\b",
    re.IGNORECASE,
)
# Words that open a place's name ("North Carolina"), kept even at the start of a sentence.
_PLACE_PREFIXES = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "new"}
)
_JOINER = re.compile(r"\s+(?:of|for|on)\s+(?:the\s+)?")
# Transcript and copyright lines the cleaner left in: their names are not in the story.
_CHROME = re.compile(r"\btranscript\b.{0,40}\bprovided by\b|©|\bcopyright\b", re.IGNORECASE)


def _may_be_chrome(lower: str) -> bool:
    """Whether a lowercased line can match ``_CHROME`` or ``_CHROME_LINE``: a plain
    substring test first, as the case-blind regexes are tried at every character. The
    fixed words are cut before any "s" or "i", which the regexes also match as "ſ" or
    "ı"."""
    return "©" in lower or "tran" in lower or "copyr" in lower


def _may_be_credit(lower: str) -> bool:
    """Whether a lowercased line can match ``_CREDIT`` (see :func:`_may_be_chrome`): it
    holds "contributed" or opens with the first letter of a credit."""
    return "contr" in lower or lower[:1] in _CREDIT_OPENINGS


# The first letters of the credits _CREDIT reads at a line's start ("ſ" matches "s" too).
_CREDIT_OPENINGS = frozenset("sſarwec")


def _read_org(
    reader: Reader, phrase: str, before: str, after: str, previous: str, position: tuple[int, int]
) -> bool:
    """Record ``phrase`` if it names an organisation; say whether it was one."""
    words = phrase.split()
    # A sentence or name may start with words that are not part of the organisation.
    while words and (words[0].lower() in names.NOT_NAME_WORDS or words[0].lower() == "of"):
        words = words[1:]
    if not words:
        return False
    last = _unpossessed(words[-1]).rstrip(".").lower()
    first = words[0].lower()
    is_place = last in PLACE_HEADS or first in PLACE_HEADS
    # "Velmora Port Authority", or "Ministry of Transport" with the head before "of".
    inner_head = any(
        w.lower() in ORG_HEADS and nxt.lower() in ("of", "for")
        for w, nxt in itertools.pairwise(words)
    )
    head = (last in ORG_HEADS or inner_head) and len(words) > 1 and not is_place
    apposed = (
        names.apposition_noun(before) in names.ORG_ROLE_NOUNS
        or roles.is_org_role(after)  # "Islamic Jihad, an Egypt-based group"
    ) and len(words) <= 4
    which = bool(_WHICH.match(after)) and len(words) > 1 and previous not in _PLACE_BEFORE
    if not (head or apposed or which) or is_place:
        return False
    if any(w.lower() in _TITLE_NOT_ORG for w in words[:-1]) and not head:
        return False  # "Foreign Minister Jane Smith, which" is not a company
    name = " ".join(words)
    name = _unpossessed(name).rstrip(".")
    joined = _AND_NAME.match(after) if inner_head and not name.endswith(".") else None
    if joined:
        name = f"{name} and {joined.group(1)}"  # "College of William and Mary"
        after = after[joined.end() :]
    found = reader.org(name, position)
    if found is None:
        return True
    found.evidence += 1
    acronym = _ACRONYM.match(after)
    if acronym:
        reader.acronyms[acronym.group(1)] = fold(name)
    role = (
        roles.org_clause_role(after)
        or roles.role_after(after)
        or roles.role_before(before, names.ORG_ROLE_NOUNS)
    )
    if role:
        found.roles.append(role)
    return True


# Title words that are no organisation's last word ("Foreign Minister Jane Smith").
_TITLE_NOT_ORG = names.ROLE_WORDS - ORG_HEADS
# "Ministry of Trade and Industry": one more name word after "and", then no capital.
_AND_NAME = re.compile(r"^\s+and\s+([A-Z][\w'’-]+)(?=[\s,.;:]+[^A-Z\s]|[,.;:]?$)")


def _read_tagged(
    reader: Reader, text: str, mentions: Sequence[NameMention], position: tuple[int, int]
) -> None:
    """Record the names the tagger found in one sentence, with the roles written around the
    people and organisations among them."""
    if not mentions:
        return
    lower = text.lower()
    if (_may_be_chrome(lower) and _CHROME_LINE.search(text)) or (
        _may_be_credit(lower) and _CREDIT.search(text)
    ):
        return
    for mention in mentions:
        name = _tagged_name(mention.text)
        if len(name) < 2 or not name[:1].isalnum():
            continue
        before, after = text[: mention.start], text[mention.start + len(name) :]
        kind = mention.type
        words = [w.lower() for w in name.split()]
        if kind != "PER" and len(words) > 1 and words[0].rstrip(".") in _TITLES:
            kind = "PER"  # "King Norodom Sihanouk", "Prince Norodom Ranariddh": a person
            name = name.split(None, 1)[1]
            before = text[: mention.start + mention.text.index(name)]
        geo = len(words) > 1 and (
            words[0] in _GEO_FIRST or words[-1] in _GEO_LAST or words[-1] in _FACILITY
        )
        last_word = before.rsplit(None, 1)[-1:]  # the same as split()[-1:]
        previous = last_word[0].lower() if last_word else ""
        facility = len(words) > 1 and words[-1] in _FACILITY and mention.confidence < 0.8
        if geo and (kind == "PER" or previous in _PLACE_BEFORE | {"of"}) or facility:
            kind = "LOC"  # "Port Lavel", "Grey Sea", "Eastern Terminal": places
        shares = dict(zip(TYPES, mention.shares, strict=True)) if mention.shares else {}
        if kind != mention.type or not shares:
            shares = {kind: 1.0}  # a rule settled the type
        found = reader.tagged(name, shares, position)
        if found is None:
            continue
        if _COUNTRY_LIKE.fullmatch(name) and found.count == 1:
            # Once per name, as much as two "in Ardania": real countries are in the
            # tagger's word list already, so this speaks for made-up and rare ones.
            reader.cue_place(fold(name), 2)
        if kind == "PER":
            person = names.split_name(name).name
            if (person, position) in reader.read_people:
                reader.people[person].evidence += 1  # the rules read this mention already
            else:
                _read_person(reader, name, before, after, position, tagged=True)
        elif kind == "ORG":
            acronym = _ACRONYM.match(after)
            if acronym:
                reader.acronyms[acronym.group(1)] = fold(name)
            role = roles.org_clause_role(after) or (
                roles.role_after(after) if roles.is_org_role(after) else ""
            )
            if role:
                found.roles.append(role)  # "which makes the kettle", ", an Egypt-based group"


#: What a reporting verb after a name ("X said", "X, who") weighs as a sign of a person,
#: against 1 for a title, a role or an age. Organisations say things too: on CoNLL-2003
#: (5-fold CV by article) 0 / 0.25 / 1 give name-level F1 0.827 / 0.827 / 0.826; a little
#: keeps "Hun Sen told reporters" a person where the tagger reads an organisation.
SAID_CUE = 0.25
# Words after which a name is a place more often than not ("in Brask", "near Tarnby"; not
# "at" or "from", which also come before companies and teams).
_PLACE_CUES = wordset("in near outside inside across into toward towards")
# Nouns before "of" that make the name after it a place ("the port of Velmora").
_PLACE_OF = wordset(
    "port city town village capital country region province island mayor governor residents "
    "people citizens outskirts centre center streets coast north south east west"
)
# Last words of a facility or a street: "Eastern Terminal", "Harbour Street" are places.
_FACILITY = wordset(
    "street road avenue square terminal bridge airport station harbour harbor quay quays "
    "pier stadium"
)
# A country-like name ("Ardania", "Ostland", "Karistan"): one vote for a place.
_COUNTRY_LIKE = re.compile(r"[A-Z][a-z]+(?:ia|land|stan)")
# A dateline opens a report with the place it was filed from: "VELMORA, March 15 (APA) -".
_DATELINE = re.compile(r"^([A-Z][A-Z.'’ -]{2,40}),\s+(?:[A-Z][a-z]{2,8}\.?\s+\d|\d{4}-\d\d)")
# Title words that are names when they close a name phrase ("Hun Sen", "John Major").
_TITLE_NOT_LAST = wordset("sen major gen rep gov col general")
# Titles that open a person's name, never an organisation's or a place's.
_TITLES = wordset(
    "king queen prince princess sheikh emir sultan pope president premier senator sen gov "
    "governor mayor judge mr mrs ms dr sir dame lord lady gen col colonel capt "
    "captain adm admiral minister chancellor ambassador cardinal archbishop bishop rev"
)
# A copyright or transcript line (not a story about copyright).
_CHROME_LINE = re.compile(
    r"©|\btranscript\b.{0,40}\bprovided by\b|^\W*copyright\b", re.IGNORECASE
)
#: Words that make a two-word name a place, first ("Port Lavel") or last ("Grey Sea").
_GEO_FIRST = wordset("port lake mount fort cape gulf")
_GEO_LAST = wordset(
    "sea river island islands bay valley mountains lake coast province district region "
    "strait peninsula ocean gulf desert"
)


def _tagged_name(text: str) -> str:
    """A tagged span without a possessive, a sentence's full stop or a leading "the" or
    "a"."""
    text = _unpossessed(" ".join(text.split())).strip()
    if text.endswith(".") and len(text.split()[-1]) > 3 and text.count(".") == 1:
        text = text[:-1]  # "Rangoon." ends the sentence; "Corp." and "U.S." keep the dot
    words = text.split()
    while len(words) > 1 and words[0].lower() in STOPWORDS:
        words.pop(0)  # "A Cumberland County judge", "The Hague" stays "Hague"
    return " ".join(words)


def _read_person(
    reader: Reader,
    phrase: str,
    before: str,
    after: str,
    position: tuple[int, int],
    tagged: bool = False,
) -> None:
    key = (phrase, tagged)
    named = reader.phrases.get(key, _UNREAD)
    if named is _UNREAD:
        named = reader.phrases[key] = _person_phrase(reader, phrase, tagged)
    if named is None:
        return
    name, title, ranks, honorific = named
    found_roles, evidence = roles.person_roles(title, ranks, before, after, ORG_HEADS)
    # What says "a person" and nothing else (a title, a role, an age, "Mr."); an
    # organisation also "said" things, so that counts for less.
    # Only roles with a noun count ("state" in "state TV" or "former" says nothing).
    said = bool(_SAID.match(after) or _WHO.match(after))
    cues = len(roles.clean_roles(found_roles, name)) + honorific + SAID_CUE * said
    if said or honorific:
        evidence += 1
    if tagged:
        evidence += 1  # the tagger reads it as a person's name
    if not evidence and " " not in name:
        return
    # A phrase opening the sentence may carry a stray capitalised word ("Even Bruce
    # Fromong"), so it counts less when choosing the name to show.
    weight = 0.5 if not before.strip(" \"“'‘(—–-") else 1.0
    found = reader.person(name, position, phrase, weight)
    found.evidence += evidence
    found.cues += cues
    for role in found_roles:
        if role.split()[-1] in JOURNALIST_ROLES or role in JOURNALIST_ROLES:
            found.journalist = True
        else:
            found.roles.append(role)


#: Marks a phrase :func:`_read_person` has not split yet.
_UNREAD: tuple[str, str, list[str], bool] = ("", "", [], False)
#: What a person's name never holds (a tagged name may be a park: "Andrew Park").
_PLACE_OR_ORG_HEADS = PLACE_HEADS | ORG_HEADS


def _person_phrase(
    reader: Reader, phrase: str, tagged: bool
) -> tuple[str, str, list[str], bool] | None:
    """What a name phrase says by itself, read once per phrase: the person's name, the title
    written in it (role words at its front included), the ranks taken off its front and
    whether it opens with an honorific; None when it names no person."""
    words = phrase.split()
    # Role words at the front that names.split_name does not know ("Boss Sara Ekwall").
    lead_roles: list[str] = []
    ranks: list[str] = []
    while len(words) > 1 and words[0].lower() in names.ROLE_NOUNS:
        word = words.pop(0).lower()
        if word in roles.NOBLE_TITLES:
            ranks.append(word)  # "Prince": a rank, not part of a job title
        elif word not in _HONORIFICS:
            lead_roles.append(word)
    person = names.split_name(" ".join(words))
    name = person.name
    last = words[-1] if words else ""
    if name and last.lower() in _TITLE_NOT_LAST and name.split()[-1] != last:
        # A title comes before a name: at the end, "Sen" and "Major" are the name ("Hun
        # Sen", "John Major"), and split_name's full stop is the sentence's.
        name = f"{name} {last}"
    shaped = names.looks_like_person(name) or (tagged and _name_shaped(name))
    if not name or not shaped or fold(name) in reader.outlets:
        return None
    heads = ORG_HEADS if tagged else _PLACE_OR_ORG_HEADS
    if any(_unpossessed(w).lower() in heads for w in name.split()):
        return None
    if name.isupper() and len(name) > 3:
        name = names.title_case(name)
    title = ""
    if person.role:
        # The title as written, so "FUNCINPEC President" keeps its capitals.
        title_words = words[: len(words) - len(name.split())]
        title = " ".join(w for w in title_words if w.lower() not in _HONORIFICS)
    honorific = phrase.split()[0].lower() in _HONORIFICS
    return name, " ".join([*lead_roles, title]), ranks, honorific


def _name_shaped(name: str) -> bool:
    """One to five capitalised words (particles allowed): "Sun Jun", "Nihad al-Boushi"."""
    words = name.split()
    return 1 <= len(words) <= 5 and words[0][:1].isupper() and all(
        w[:1].isupper() or re.match(r"(?:al|el|de|van|von|bin|da|du|le|la)\b", w) for w in words
    )


def _person_name(speaker: str) -> str:
    """A clean person name from a quote's speaker ("the floor as Judge Helena Voss")."""
    phrases = [p for p in names.name_phrases(speaker) if p]
    if not phrases:
        return ""
    words = phrases[-1].split()
    while len(words) > 1 and (
        names.POSSESSIVE.search(words[0]) or words[0].lower() in names.ROLE_NOUNS
    ):
        words = words[1:]
    name = names.split_name(" ".join(words)).name
    if name.isupper() and len(name) > 3:
        name = names.title_case(name)
    return name if names.looks_like_person(name) and len(name.split()) > 1 else ""


