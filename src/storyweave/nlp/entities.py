"""People and organisations named across a cluster, with the roles the sources give them.

Rules over the sentences, no model:

- **people**: capitalised name phrases with some evidence that they are people: a title
  ("Transport Minister Oskar Brandt", "union boss Ilves"), an apposition ("Brandt, the
  transport minister," / "the union's general secretary, Marta Ilves"), an age
  ("Dora Venn, 67,"), a reporting verb ("Saal said"), a transcript label or a quote
  attribution. A phrase after "in", "at", "from"... or after "the" is a place or a thing.
- **organisations**: capitalised phrases ending in an organisation word ("Velmora Dockers'
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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Entity, EntityType, Quote, Source
from . import names, roles
from .tokens import STOPWORDS, alternation, wordset

#: How many entities a briefing lists; beyond this they are minor names a reader skims past.
MAX_ENTITIES = 25
#: Citations kept per source for one entity (the first mentions are the informative ones).
CITATIONS_PER_SOURCE = 3
#: Aliases kept per entity.
MAX_ALIASES = 6


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
_EVENT_WORDS = wordset("hurricane typhoon cyclone storm tropical operation")
_PLACE_BEFORE = wordset("in at from near into across outside inside off via to toward towards")
_HONORIFICS = names.HONORIFICS
_SAID = re.compile(r"^\s*(?:,\s*\d{1,3},\s*)?(?:said|says|told|added|insisted|warned|argued)\b")
_WHICH = re.compile(r"^,\s*which\b")
_WHO = re.compile(r"^,\s*who\b")
_ACRONYM = re.compile(r"^\s*\(([A-Z]{2,6})\)")
# A capitalised phrase: names of people and of organisations ("Ministry of Transport",
# "Velmora Dockers' Union", "People's Party").
_PHRASE = re.compile(
    r"(?<![\w'’.-])[A-Z][\w'’&.-]*(?:\s+(?:(?:of|for|on)\s+(?:the\s+)?)?[A-Z][\w'’&-]*\.?)*"
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


@dataclass(slots=True)
class _Candidate:
    """What the cluster says about one name while the sentences are read."""

    name: str
    type: EntityType
    roles: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    evidence: int = 0
    journalist: bool = False
    first: tuple[int, int] = (10**9, 0)
    count: float = 0.0


@dataclass(slots=True)
class _Reader:
    """Collects candidates from one cluster's sentences (one instance per briefing)."""

    outlets: frozenset[str]
    common: frozenset[str] = frozenset()  # words the cluster also writes in lowercase
    people: dict[str, _Candidate] = field(default_factory=dict)  # keyed by the name as found
    orgs: dict[str, _Candidate] = field(default_factory=dict)  # keyed by folded name
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym -> org key

    def person(
        self, name: str, position: tuple[int, int], form: str | None = None, weight: float = 1.0
    ) -> _Candidate:
        found = self.people.setdefault(name, _Candidate(name, "person"))
        found.first = min(found.first, position)
        found.count += weight
        if form and form.endswith(".") and len(form.split()[-1]) > 2:
            form = form[:-1]  # the sentence's full stop, not an initial
        if form and form not in found.forms:
            found.forms.append(form)
        return found

    def org(self, name: str, position: tuple[int, int]) -> _Candidate | None:
        key = _fold(name)
        if key in self.outlets or len(name) < 3:
            return None
        found = self.orgs.setdefault(key, _Candidate(name, "organization"))
        found.first = min(found.first, position)
        if name not in found.forms:
            found.forms.append(name)
        return found


def find_entities(sources: Sequence[Source], quotes: Sequence[Quote]) -> tuple[Entity, ...]:
    """People and organisations named in ``sources``, most widely reported first.

    >>> from storyweave.model import Sentence, Source
    >>> s = Sentence("s1.1", "s1", 0, 0, "Transport Minister Oskar Brandt said talks ended.")
    >>> src = Source("s1", "a.txt", None, None, None, None, None, "article", (s,), ())
    >>> [(e.name, e.roles) for e in find_entities([src], [])]
    [('Oskar Brandt', ('transport minister',))]
    """
    common = frozenset(
        word
        for source in sources
        for sentence in source.sentences
        for word in re.findall(r"\b[a-z][a-z'’-]+\b", sentence.text)
    )
    reader = _Reader(outlets=_outlet_names(sources), common=common)
    order = {source.id: n for n, source in enumerate(sources)}
    for source in sources:
        for sentence in source.sentences:
            position = (order[source.id], sentence.index)
            if sentence.turn_speaker:
                _read_label(reader, sentence.turn_speaker, position)
            _read_sentence(reader, sentence.text, position)
    for quote in quotes:
        if quote.speaker and quote.sentence_ids:
            source_number = order.get(quote.sentence_ids[0].split(".")[0], 0)
            name = _person_name(quote.speaker)
            if name:
                reader.person(name, (source_number, 10**6)).evidence += 1
    return _assemble(reader, sources)


def _outlet_names(sources: Sequence[Source]) -> frozenset[str]:
    found = set()
    for source in sources:
        for value in (source.outlet, source.title):
            if value:
                found.add(_fold(value))
                found.add(_fold(re.sub(r"\s*\([^)]*\)", "", value)))
                found.add(_fold(re.sub(r"^the\s+", "", value, flags=re.IGNORECASE)))
    return frozenset(found)


def _fold(text: str) -> str:
    """A key for comparing names: lowercase, straight apostrophes, no leading "the"."""
    text = " ".join(text.translate(_APOSTROPHES).lower().split())
    return text.removeprefix("the ")


def _read_label(reader: _Reader, label: str, position: tuple[int, int]) -> None:
    person = names.split_label(label)
    name = names.title_case(person.name) if person.name.isupper() else person.name
    if not names.looks_like_person(name):
        return
    found = reader.person(name, position, person.name)
    found.evidence += 1
    if person.role in JOURNALIST_ROLES:
        found.journalist = True
    elif person.role:
        found.roles.append(person.role)


def _read_sentence(reader: _Reader, text: str, position: tuple[int, int]) -> None:
    if _CHROME.search(text):
        return
    if _CREDIT.search(text):
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
        owners = [i for i, w in enumerate(words[:-2]) if names.POSSESSIVE.search(w)]
        if (
            not owners
            and len(words) == 2
            and names.POSSESSIVE.search(words[0])
            and names.POSSESSIVE.sub("", words[1]).lower() not in ORG_HEADS
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
        previous = before.split()[-1].lower().strip('("“') if before.split() else ""
        if _read_org(reader, phrase, before, after, previous, position):
            continue
        if previous in _PLACE_BEFORE or previous in ("the", "a", "an"):
            continue
        if previous == "of" and before.split()[-2:-1] and before.split()[-2][:1].isupper():
            continue  # "Melissa Wallace of St. Louis", "Mayor of Tarsin": a place or a body
        _read_person(reader, phrase, text[:start], after, position)


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


def _read_org(
    reader: _Reader, phrase: str, before: str, after: str, previous: str, position: tuple[int, int]
) -> bool:
    """Record ``phrase`` if it names an organisation; say whether it was one."""
    words = phrase.split()
    # A sentence or name may start with words that are not part of the organisation.
    while words and (words[0].lower() in names.NOT_NAME_WORDS or words[0].lower() == "of"):
        words = words[1:]
    if not words:
        return False
    last = names.POSSESSIVE.sub("", words[-1]).rstrip(".").lower()
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
    if any(w.lower() in names.ROLE_WORDS - ORG_HEADS for w in words[:-1]) and not head:
        return False  # "Foreign Minister Jane Smith, which" is not a company
    name = " ".join(words)
    name = names.POSSESSIVE.sub("", name).rstrip(".")
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
        reader.acronyms[acronym.group(1)] = _fold(name)
    role = (
        roles.org_clause_role(after)
        or roles.role_after(after)
        or roles.role_before(before, names.ORG_ROLE_NOUNS)
    )
    if role:
        found.roles.append(role)
    return True


# "Ministry of Trade and Industry": one more name word after "and", then no capital.
_AND_NAME = re.compile(r"^\s+and\s+([A-Z][\w'’-]+)(?=[\s,.;:]+[^A-Z\s]|[,.;:]?$)")


def _read_person(
    reader: _Reader, phrase: str, before: str, after: str, position: tuple[int, int]
) -> None:
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
    if not name or not names.looks_like_person(name) or _fold(name) in reader.outlets:
        return
    if any(names.POSSESSIVE.sub("", w).lower() in PLACE_HEADS | ORG_HEADS for w in name.split()):
        return
    if name.isupper() and len(name) > 3:
        name = names.title_case(name)
    title = ""
    if person.role:
        # The title as written, so "FUNCINPEC President" keeps its capitals.
        title_words = words[: len(words) - len(name.split())]
        title = " ".join(w for w in title_words if w.lower() not in _HONORIFICS)
    found_roles, evidence = roles.person_roles(
        " ".join([*lead_roles, title]), ranks, before, after, ORG_HEADS
    )
    honorific = phrase.split()[0].lower() in _HONORIFICS
    if _SAID.match(after) or _WHO.match(after) or honorific:
        evidence += 1
    if not evidence and len(name.split()) < 2:
        return
    # A phrase opening the sentence may carry a stray capitalised word ("Even Bruce
    # Fromong"), so it counts less when choosing the name to show.
    weight = 0.5 if not before.strip(" \"“'‘(—–-") else 1.0
    found = reader.person(name, position, phrase, weight)
    found.evidence += evidence
    for role in found_roles:
        if role.split()[-1] in JOURNALIST_ROLES or role in JOURNALIST_ROLES:
            found.journalist = True
        else:
            found.roles.append(role)


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


def _assemble(reader: _Reader, sources: Sequence[Source]) -> tuple[Entity, ...]:
    """Merge name variants, find every mention, and order the entities."""
    groups = _merge_people(reader.people) + [
        [org] for org in reader.orgs.values() if org.evidence and not org.journalist
    ]
    org_names = [_fold(org.name) for org in reader.orgs.values()]
    surnames = Counter(names.surname(g[0].name) for g in groups if g[0].type == "person")
    blanked = _blank_orgs(reader, sources)
    everything = "\n".join(blanked.values())
    acronyms: dict[str, list[str]] = {}
    for acronym, key in reader.acronyms.items():
        if acronym.lower() not in reader.outlets:
            acronyms.setdefault(key, []).append(acronym)
    built = []
    for group in groups:
        head = group[0]
        if head.type == "person" and _fold(head.name) in org_names:
            continue
        if head.type == "person" and head.name.split()[0].lower() in _EVENT_WORDS:
            head.type = "other"  # "Hurricane Mitch" is named like a person but is not one
        elif head.type == "person" and _mostly_after_the(head.name, everything):
            head.type = "organization"  # "the Khmer Rouge", "the brutal Khmer Rouge"
        extra = acronyms.get(_fold(head.name), []) if head.type == "organization" else []
        shared = surnames[names.surname(head.name)] > 1
        built.append(_entity(group, extra, sources, blanked, shared))
    kept = [(roles.with_party_role(entity, built), first) for entity, first in built]
    kept = [(entity, first) for entity, first in kept if entity.source_ids]
    kept.sort(key=lambda item: (-len(item[0].source_ids), item[1]))
    return tuple(entity for entity, _ in kept[:MAX_ENTITIES])


def _mostly_after_the(name: str, text: str) -> bool:
    """Whether the cluster writes ``name`` after "the" at least half the time: a group or a
    thing ("the Khmer Rouge", "the brutal Khmer Rouge"), never a person."""
    if len(name.split()) < 2:
        return False
    after_the = total = 0
    at = text.find(name)
    while at >= 0:
        total += 1
        after_the += bool(_THE_BEFORE.search(text, max(0, at - 30), at))
        at = text.find(name, at + len(name))
    return total >= 2 and after_the * 2 >= total


_THE_BEFORE = re.compile(r"\b[Tt]he\s+(?:[a-z][\w-]*\s+)?$")


def _merge_people(people: dict[str, _Candidate]) -> list[list[_Candidate]]:
    """Group the forms of one person: "Oskar Brandt", "Brandt", "Transport Minister ..."."""
    by_surname: dict[str, list[_Candidate]] = {}
    for candidate in people.values():
        by_surname.setdefault(names.surname(candidate.name), []).append(candidate)
    groups: list[list[_Candidate]] = []
    for forms in by_surname.values():
        full = [c for c in forms if len(c.name.split()) > 1]
        short = [c for c in forms if len(c.name.split()) == 1]
        full.sort(key=lambda c: (-len(c.name.split()), c.name.isupper(), -c.evidence, c.first))
        clusters: list[list[_Candidate]] = []
        for candidate in full:
            words = {w.lower() for w in candidate.name.split()}
            for cluster in clusters:
                if words <= {w.lower() for w in cluster[0].name.split()}:
                    cluster.append(candidate)
                    break
            else:
                clusters.append([candidate])
        for cluster in clusters:
            # The name shown is the form written most often ("Sam Rainsy" over a one-off
            # "Sam Ram Rainsy"), properly cased, the longer one on a tie.
            cluster.sort(key=lambda c: (c.name.isupper(), -c.count, -len(c.name.split()), c.first))
        if clusters:
            # A bare surname belongs to the one person who has it, or to the one written
            # most often when several share it ("Simpson" is O.J., not Nicole Brown).
            def weight(cluster: list[_Candidate]) -> tuple[float, int, int]:
                first = min(x.first for x in cluster)
                return (sum(x.count for x in cluster), -first[0], -first[1])

            max(clusters, key=weight).extend(short)
        groups.extend(clusters)
    # "Carlos Flores" is "Carlos Flores Facusse" even though the last words differ.
    groups.sort(key=lambda g: -len(g[0].name.split()))
    merged: list[list[_Candidate]] = []
    for group in groups:
        words = {w.lower() for w in group[0].name.split()}
        target = next(
            (
                m
                for m in merged
                if len(words) > 1 and words < {w.lower() for w in m[0].name.split()}
            ),
            None,
        )
        if target is None:
            merged.append(group)
        else:
            target.extend(group)
    return [
        group
        for group in merged
        if sum(c.evidence for c in group) and not any(c.journalist for c in group)
    ]


def _blank_orgs(reader: _Reader, sources: Sequence[Source]) -> dict[str, str]:
    """Sentence texts with organisation names blanked, for finding surnames ("Aske" in
    "Aske Structural" is the company, not the man)."""
    pattern = _org_pattern(reader)
    texts = {}
    for source in sources:
        for sentence in source.sentences:
            text = sentence.text
            if pattern is not None:
                text = pattern.sub(lambda m: " " * len(m.group(0)), text)
            texts[sentence.id] = text
    return texts


def _entity(
    group: list[_Candidate],
    acronyms: list[str],
    sources: Sequence[Source],
    blanked: dict[str, str],
    shared_surname: bool = False,
) -> tuple[Entity, tuple[int, int]]:
    head = group[0]
    name = head.name
    forms = [f for c in group for f in c.forms] + [c.name for c in group] + acronyms
    aliases = []
    for form in forms:
        form = " ".join(form.split())
        if (
            form != name
            and form not in aliases
            and _fold(form) != _fold(name)
            or (form != name and form.isupper() and form not in aliases)
        ):
            aliases.append(form)
    pattern = _mention_pattern(group, acronyms, bare_surname=not shared_surname)
    citations: list[str] = []
    source_ids: list[str] = []
    first = min(c.first for c in group)
    for source in sources:
        cited = []
        for sentence in source.sentences:
            text = sentence.text if head.type == "organization" else blanked[sentence.id]
            label = sentence.turn_speaker or ""
            if pattern.search(text) or (label and pattern.search(label.split(",")[0])):
                cited.append(sentence.id)
                if len(cited) == CITATIONS_PER_SOURCE:
                    break
        if cited:
            source_ids.append(source.id)
            citations.extend(cited)
    entity = Entity(
        name=name,
        type=head.type,
        roles=roles.clean_roles([r for c in group for r in c.roles], name),
        source_ids=tuple(source_ids),
        citations=tuple(citations),
        aliases=tuple(aliases[:MAX_ALIASES]),
    )
    return entity, first


def _mention_pattern(
    group: list[_Candidate], acronyms: list[str], bare_surname: bool = True
) -> re.Pattern[str]:
    """A pattern for every way the cluster writes this entity (apostrophes either way).

    A bare surname counts only when no other person in the cluster has it.
    """
    head = group[0]
    forms = {c.name for c in group if bare_surname or len(c.name.split()) > 1} | set(acronyms)
    if head.type == "person" and bare_surname:
        last = head.name.split()[-1]
        forms |= {last, last.upper()}
    alternatives = alternation(re.sub("['’]", "['’]", re.escape(f)) for f in forms)
    return re.compile(r"(?<![\w'’-])(?:" + alternatives + r")(?![\w-])")


def _org_pattern(reader: _Reader) -> re.Pattern[str] | None:
    """Organisation names, blanked before looking for a surname ("Aske" in "Aske Structural")."""
    forms = [re.escape(org.name) for org in reader.orgs.values() if len(org.name.split()) > 1]
    return re.compile(alternation(forms)) if forms else None
