"""The entity list of a briefing: candidates collected while reading, then merged, typed,
cited and ordered.

:mod:`storyweave.nlp.entities` reads the sentences into a :class:`Reader` (its rules, and
the names :mod:`storyweave.nlp.ner` tags); :func:`assemble` turns what was read into
:class:`~storyweave.model.Entity` objects:

- the forms of one person merge ("Oskar Brandt", "Brandt", "Mr. Brandt");
- each name gets one type: a role the sources give ("the transport minister", "a company")
  and an organisation word at the end of the name settle it; otherwise the tagger's votes
  over the whole cluster do ("Red Cross" is an organisation however often it "said");
- places are listed too, under their most usual properly-cased form;
- every entity is cited by the sentences that name it, and the list is ordered by how
  many sources name it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Entity, EntityType, Source
from . import names, roles
from .tokens import alternation

#: How many entities a briefing lists; beyond this they are minor names a reader skims past.
MAX_ENTITIES = 25
#: Citations kept per source for one entity (the first mentions are the informative ones).
CITATIONS_PER_SOURCE = 3
#: Aliases kept per entity.
MAX_ALIASES = 6
#: What one piece of rule evidence for a person (a title, a role, an age; "said" counts
#: for less, see ``entities.SAID_CUE``) weighs against one tagged mention's type shares.
#: On CoNLL-2003 (5-fold CV by article) 1 and 2 give the same name-level F1 (0.827); on
#: DUC 2004 cluster d30001t, 2 keeps "Cambodian leader Hun Sen" (whom the tagger reads as
#: an organisation) a person.
RULE_VOTE = 2.0
#: What one "in <name>" weighs for a place against one tagged mention's type shares.
#: CoNLL-2003 (5-fold CV by article): name-level F1 0.825 (LOC 0.842) with 0 or 0.5, 0.825
#: (LOC 0.839) with 1; kept small so that it only tips names the tagger is unsure of.
PLACE_CUE_VOTE = 1.0
_EVENT_WORDS = frozenset({"hurricane", "typhoon", "cyclone", "storm", "tropical", "operation"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
#: The tagger's types as entity types.
TAGGED_TYPES: dict[str, EntityType] = {
    "PER": "person", "ORG": "organization", "LOC": "place", "MISC": "other"
}


def fold(text: str) -> str:
    """A key for comparing names: lowercase, straight apostrophes, no leading "the"."""
    text = " ".join(text.translate(_APOSTROPHES).lower().split())
    return text.removeprefix("the ")


@dataclass(slots=True)
class Candidate:
    """What the cluster says about one name while the sentences are read."""

    name: str
    type: EntityType
    roles: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    evidence: int = 0
    journalist: bool = False
    first: tuple[int, int] = (10**9, 0)
    count: float = 0.0
    votes: dict[str, float] = field(default_factory=dict)  # the tagger's types ("PER": 2.7)
    seen: set[int] = field(default_factory=set)  # the sources (by number) it was read in
    cues: float = 0.0  # what the rules read that shows a person (a title, a role, "said")


@dataclass(slots=True)
class Reader:
    """Collects candidates from one cluster's sentences (one instance per briefing)."""

    outlets: frozenset[str]
    common: frozenset[str] = frozenset()  # words the cluster also writes in lowercase
    people: dict[str, Candidate] = field(default_factory=dict)  # keyed by the name as found
    orgs: dict[str, Candidate] = field(default_factory=dict)  # keyed by folded name
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym -> org key
    # Names the tagger found, keyed by folded name, with its votes for each type.
    named: dict[str, Candidate] = field(default_factory=dict)
    # Folded name -> how often it follows "in", "near"...: a vote for a place.
    place_cues: dict[str, int] = field(default_factory=dict)
    # (name, position) of every person mention read, so one mention is read once.
    read_people: set[tuple[str, tuple[int, int]]] = field(default_factory=set)
    # (name phrase, tagged) -> what the phrase says by itself: the name, the title written
    # in it, ranks, an honorific (see entities._read_person); None for no person's name.
    phrases: dict[tuple[str, bool], tuple[str, str, list[str], bool] | None] = field(
        default_factory=dict
    )

    def person(
        self, name: str, position: tuple[int, int], form: str | None = None, weight: float = 1.0
    ) -> Candidate:
        found = self.people.setdefault(name, Candidate(name, "person"))
        found.first = min(found.first, position)
        found.seen.add(position[0])
        found.count += weight
        self.read_people.add((name, position))
        if form and form.endswith(".") and len(form.split()[-1]) > 2:
            form = form[:-1]  # the sentence's full stop, not an initial
        if form and form not in found.forms:
            found.forms.append(form)
        return found

    def org(self, name: str, position: tuple[int, int]) -> Candidate | None:
        key = fold(name)
        if key in self.outlets or len(name) < 3:
            return None
        found = self.orgs.setdefault(key, Candidate(name, "organization"))
        found.first = min(found.first, position)
        found.seen.add(position[0])
        if name not in found.forms:
            found.forms.append(name)
        return found

    def cue_place(self, key: str, weight: int = 1) -> None:
        """Note that the sources write the name ``key`` (folded) where a place goes."""
        self.place_cues[key] = self.place_cues.get(key, 0) + weight

    def tagged(
        self, name: str, shares: dict[str, float], position: tuple[int, int]
    ) -> Candidate | None:
        """Record one mention of a name the tagger found, with how surely it is of each type
        ("PER", "ORG", "LOC", "MISC"; the shares add up to 1)."""
        key = fold(name)
        if not key or key in self.outlets:
            return None
        found = self.named.setdefault(key, Candidate(name, "other"))
        found.first = min(found.first, position)
        found.seen.add(position[0])
        _add(found.votes, shares)
        found.count += 1
        if name not in found.forms:
            found.forms.append(name)
        return found


def assemble(
    reader: Reader, sources: Sequence[Source], limit: int | None = MAX_ENTITIES
) -> tuple[Entity, ...]:
    """Merge name variants, settle each name's type, find every mention, and order."""
    for key, count in reader.place_cues.items():
        if key in reader.named:
            _add(reader.named[key].votes, {"LOC": PLACE_CUE_VOTE * count})
    people = [g for g in _merge_people(reader.people, reader.named) if _is_person(g, reader.named)]
    people = _first_names_merged(people)
    taken = {fold(form) for group in people for c in group for form in (c.name, *c.forms)}
    taken |= set(reader.orgs)
    # Words of people's full names (journalists' too): alone, "Sihanouk" or "Sen" is that
    # person, not a place.
    full_names = [c.name for g in people for c in g] + [
        c.name for c in reader.people.values() if c.journalist
    ]
    name_words = {w.lower() for name in full_names if " " in name for w in name.split()}
    # Words of other long names: alone, rare and unsure, "States" is a piece of "United
    # States" (but "Velmora", written alone again and again, is a place of its own).
    pieces = {w for key in reader.named if " " in key for w in key.split()}
    places = []
    kinds = {key: _majority(c.votes) for key, c in reader.named.items()}
    affixes = {"ORG": _affixes([k.split() for k in reader.orgs] + [
        k.split() for k, kind in kinds.items() if kind == "ORG"
    ]), "LOC": _affixes([k.split() for k, kind in kinds.items() if kind == "LOC"])}
    for key, candidate in reader.named.items():
        kind = kinds[key]
        if key in taken or kind not in ("ORG", "LOC"):
            continue
        if " " not in key and (
            key in name_words
            or key in reader.common
            or (key in pieces and candidate.count < 3 and not _sure(candidate))
            or (candidate.count < 2 and not _sure(candidate, ONE_MENTION_CONFIDENCE))
        ):
            # A name's fragment, a common word capitalised ("Party", "Office"), or one word
            # written once that the tagger is unsure of.
            continue
        if " " in key and tuple(key.split()) in affixes[kind]:
            continue  # "Dockers' Union" is the end of "Velmora Dockers' Union", cut short
        candidate.type = TAGGED_TYPES[kind]
        candidate.name = _display_name(candidate.forms)
        candidate.evidence += 1
        if kind == "ORG":
            reader.orgs[key] = candidate
        else:
            places.append(candidate)
    groups = people + [
        [org] for org in reader.orgs.values() if org.evidence and not org.journalist
    ] + [[place] for place in places]
    org_names = [fold(org.name) for org in reader.orgs.values()]
    surnames = Counter(names.surname(g[0].name) for g in groups if g[0].type == "person")
    if limit is not None:
        # Citing every candidate costs a search of every sentence: cite only the most
        # widely read ones (twice the list's length, as reading and citing can differ).
        groups.sort(key=lambda g: (-len(set().union(*(c.seen for c in g))), min(c.first for c in g)))
        groups = groups[: 2 * limit]
    blanked = _blank_orgs(reader, sources)
    everything = "\n".join(blanked.values())
    acronyms: dict[str, list[str]] = {}
    for acronym, key in reader.acronyms.items():
        if acronym.lower() not in reader.outlets:
            acronyms.setdefault(key, []).append(acronym)
    # Each source's text, as written and with organisations blanked (sources with
    # transcript labels are searched label by label instead).
    joined = {
        source.id: (
            "\n".join(sentence.text for sentence in source.sentences),
            "\n".join(blanked[sentence.id] for sentence in source.sentences),
        )
        for source in sources
        if not any(sentence.turn_speaker for sentence in source.sentences)
    }
    built = []
    for group in groups:
        head = group[0]
        if head.type == "person" and fold(head.name) in org_names:
            continue
        if head.type == "person" and head.name.split()[0].lower() in _EVENT_WORDS:
            head.type = "other"  # "Hurricane Mitch" is named like a person but is not one
        elif head.type == "person" and _mostly_after_the(head.name, everything):
            head.type = "organization"  # "the Khmer Rouge", "the brutal Khmer Rouge"
        extra = acronyms.get(fold(head.name), []) if head.type == "organization" else []
        shared = surnames[names.surname(head.name)] > 1
        built.append(_entity(group, extra, sources, blanked, shared, joined))
    kept = [(roles.with_party_role(entity, built), first) for entity, first in built]
    kept = [(entity, first) for entity, first in kept if entity.source_ids]
    kept.sort(key=lambda item: (-len(item[0].source_ids), item[1]))
    return tuple(entity for entity, _ in kept[:limit])


#: How surely the tagger must type a one-word organisation or place written only once.
#: CoNLL-2003 (5-fold CV by article), name-level P/F1: 0 -> 0.837/0.828, 0.7 -> 0.852/0.827,
#: 0.8 -> 0.860/0.826, 0.9 -> 0.868/0.819 (places F1 0.847 / 0.842 / 0.836 / 0.819). 0.8
#: buys precision (junk one-word names on web pages, "States" at 0.77) for little F1.
ONE_MENTION_CONFIDENCE = 0.8
#: How surely the tagger must read a lone one-word name as a person's to list it without
#: other evidence. CoNLL-2003 (5-fold CV by article): 0.5 / 0.6 / 0.7 / 0.8 give name-level
#: F1 0.825 / 0.825 / 0.825 / 0.824 (higher trades recall for precision); on DUC 2004, 0.7
#: leaves out "Papa" (a nickname in a quote, 0.66).
LONE_NAME_CONFIDENCE = 0.7


def _affixes(names: list[list[str]]) -> set[tuple[str, ...]]:
    """The runs of words that open or close a longer name among ``names`` (each given as its
    words): a name in this set is another one cut short."""
    found = set()
    for words in names:
        for n in range(1, len(words)):
            found.add(tuple(words[:n]))
            found.add(tuple(words[-n:]))
    return found


def _sure(candidate: Candidate, share: float = LONE_NAME_CONFIDENCE) -> bool:
    """Whether the tagger's votes for a name go mostly (``share``) to one type."""
    total = sum(candidate.votes.values())
    return total > 0 and max(candidate.votes.values()) / total >= share


def _surely_person(candidate: Candidate) -> bool:
    total = sum(candidate.votes.values())
    return total > 0 and candidate.votes.get("PER", 0.0) / total >= LONE_NAME_CONFIDENCE


def _first_names_merged(people: list[list[Candidate]]) -> list[list[Candidate]]:
    """A person named by a first name alone ("Carlos") is the one person of the cluster
    whose full name starts with it ("Carlos Flores Facusse"), the most named one if several."""
    # Full names by their first word, in the order of ``people``.
    full: dict[str, list[list[Candidate]]] = {}
    for group in people:
        words = group[0].name.split()
        if len(words) > 1:
            full.setdefault(words[0], []).append(group)
    kept = []
    for group in people:
        name = group[0].name
        owners = full.get(name, []) if " " not in name else []
        if owners:
            max(owners, key=lambda g: sum(c.count for c in g)).extend(group)
        else:
            kept.append(group)
    return kept


def _add(votes: dict[str, float], more: Mapping[str, float]) -> None:
    for kind, weight in more.items():
        votes[kind] = votes.get(kind, 0.0) + weight


def _majority(votes: Mapping[str, float]) -> str:
    """The type the tagger gave a name most often ("" when it never tagged it)."""
    return max(votes, key=lambda kind: (votes[kind], kind == "PER")) if votes else ""


def _is_person(group: list[Candidate], named: dict[str, Candidate]) -> bool:
    """Whether a group of person forms is a person: what the rules read around its names
    (a title, a role, "said": one vote each) and the tagger's votes for a person outweigh
    the tagger's votes for anything else ("Red Cross said" is an organisation speaking;
    "Cambodian leader Hun Sen told reporters" is a man, however the tagger reads "Hun Sen")."""
    votes: dict[str, float] = {}
    for key in {fold(c.name) for c in group}:
        if key in named:
            _add(votes, named[key].votes)
    others = [weight for kind, weight in votes.items() if kind != "PER"]
    if not others:
        return True
    return votes.get("PER", 0.0) + RULE_VOTE * sum(c.cues for c in group) >= max(others)


def _display_name(forms: Sequence[str]) -> str:
    """The form to show: the one written most often, a properly cased one before an
    all-capitals headline form ("Japan", not "JAPAN")."""
    counts = Counter(forms)
    best = max(counts, key=lambda f: (not (f.isupper() and len(f) > 5), counts[f], len(f)))
    return names.title_case(best) if best.isupper() and len(best) > 5 else best


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


def _merge_people(
    people: dict[str, Candidate], named: dict[str, Candidate]
) -> list[list[Candidate]]:
    """Group the forms of one person: "Oskar Brandt", "Brandt", "Transport Minister ..."."""
    by_surname: dict[str, list[Candidate]] = {}
    for candidate in people.values():
        by_surname.setdefault(names.surname(candidate.name), []).append(candidate)
    groups: list[list[Candidate]] = []
    for forms in by_surname.values():
        full = [c for c in forms if len(c.name.split()) > 1]
        short = [c for c in forms if len(c.name.split()) == 1]
        full.sort(key=lambda c: (-len(c.name.split()), c.name.isupper(), -c.evidence, c.first))
        clusters: list[list[Candidate]] = []
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
            def weight(cluster: list[Candidate]) -> tuple[float, int, int]:
                first = min(x.first for x in cluster)
                return (sum(x.count for x in cluster), -first[0], -first[1])

            max(clusters, key=weight).extend(short)
        elif any(c.cues >= 1 for c in short) or any(
            _surely_person(named[fold(c.name)]) for c in short if fold(c.name) in named
        ):
            # A person only ever named by one name ("Ronaldo"): the rules read a title or a
            # role, or the tagger reads it surely as a person.
            short.sort(key=lambda c: (c.name.isupper(), -c.count, c.first))
            clusters.append(short)
        groups.extend(clusters)
    # "Carlos Flores" is "Carlos Flores Facusse" even though the last words differ.
    groups.sort(key=lambda g: -len(g[0].name.split()))
    # Each group joins the first merged group whose name's words strictly include its own;
    # only merged groups that hold its rarest word are looked at (an index word -> groups).
    merged: list[list[Candidate]] = []
    merged_words: list[set[str]] = []
    holding: dict[str, list[int]] = {}
    for group in groups:
        words = {w.lower() for w in group[0].name.split()}
        target = None
        if len(words) > 1:
            rarest = min(words, key=lambda w: (len(holding.get(w, ())), w))
            target = next(
                (k for k in holding.get(rarest, ()) if words < merged_words[k]), None
            )
        if target is None:
            for word in words:
                holding.setdefault(word, []).append(len(merged))
            merged.append(group)
            merged_words.append(words)
        else:
            merged[target].extend(group)
    return [
        group
        for group in merged
        if sum(c.evidence for c in group) and not any(c.journalist for c in group)
    ]


def _blank_orgs(reader: Reader, sources: Sequence[Source]) -> dict[str, str]:
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
    group: list[Candidate],
    acronyms: list[str],
    sources: Sequence[Source],
    blanked: dict[str, str],
    shared_surname: bool = False,
    joined: dict[str, tuple[str, str]] | None = None,
) -> tuple[Entity, tuple[int, int]]:
    head = group[0]
    name = head.name
    joined = joined or {}
    forms = [f for c in group for f in c.forms] + [c.name for c in group] + acronyms
    aliases = []
    for form in forms:
        form = " ".join(form.split())
        if (
            form != name
            and form not in aliases
            and fold(form) != fold(name)
            or (form != name and form.isupper() and form not in aliases)
        ):
            aliases.append(form)
    named_in = _mention_test(group, acronyms, bare_surname=not shared_surname)
    citations: list[str] = []
    source_ids: list[str] = []
    first = min(c.first for c in group)
    for source in sources:
        whole = joined.get(source.id)
        if whole is not None and not named_in(whole[head.type == "person"]):
            continue  # not named in this source (one search instead of one per sentence)
        cited = []
        for sentence in source.sentences:
            text = blanked[sentence.id] if head.type == "person" else sentence.text
            label = sentence.turn_speaker or ""
            if named_in(text) or (label and named_in(label.split(",")[0])):
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


def _mention_test(
    group: list[Candidate], acronyms: list[str], bare_surname: bool = True
) -> Callable[[str], bool]:
    """Whether a text names this entity: a pattern for every way the cluster writes it
    (apostrophes either way).

    A bare surname counts only when no other person in the cluster has it. The pattern
    opens with a look-behind, so the regex engine tries it at every character; a text that
    holds no form's longest apostrophe-free piece cannot match and is passed over with a
    plain substring test first (most sentences do not name a given entity).
    """
    head = group[0]
    forms = {c.name for c in group if bare_surname or len(c.name.split()) > 1} | set(acronyms)
    if head.type != "person":
        forms |= {f for c in group for f in c.forms}  # "JAPAN" in a headline is Japan
    if head.type == "person" and bare_surname:
        last = head.name.split()[-1]
        forms |= {last, last.upper()}
    alternatives = alternation(re.sub("['’]", "['’]", re.escape(f)) for f in forms)
    pattern = re.compile(r"(?<![\w'’-])(?:" + alternatives + r")(?![\w-])")
    pieces = tuple(sorted({max(re.split("['’]", f), key=len) for f in forms}))

    def named_in(text: str) -> bool:
        return any(map(text.__contains__, pieces)) and pattern.search(text) is not None

    return named_in


def _org_pattern(reader: Reader) -> re.Pattern[str] | None:
    """Organisation names, blanked before looking for a surname ("Aske" in "Aske Structural")."""
    forms = [re.escape(org.name) for org in reader.orgs.values() if len(org.name.split()) > 1]
    return re.compile(alternation(forms)) if forms else None
