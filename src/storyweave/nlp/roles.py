"""Roles written around a name, for the entity stage.

The sources describe people and organisations in a few shapes, all handled here:

- an apposition after the name: "Brandt, the transport minister," / "Chris Hyde, a
  meteorologist with the weather service," / "Ruth Kallan, mother of a victim,";
- an apposition before it: "the union's general secretary, Marta Ilves" (not "as sole prime
  minister, King Sihanouk announced": that role belongs to someone else);
- a relative clause saying what an organisation does: "Hallvik Home, which makes the
  kettle," -> "maker of the kettle"; "..., which represents 3,800 dock workers";
- an age ("Dora Venn, 67,") -> "aged 67", shown after the real roles;
- a party or organisation a person is "of": "Tomas Brenn of the People's Party".

Roles keep the names inside them cased ("spokesman for the National Security Council") and
abbreviated titles are written out ("Maryland Gov." -> "Maryland governor").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..model import Entity
from . import names
from .tokens import STOPWORDS, wordset

#: Titles of rank a name carries, not a job: kept apart from the job written before them
#: ("opposition leader Prince Norodom Ranariddh" is an opposition leader and a prince).
NOBLE_TITLES = wordset("prince princess king queen sheikh emir sultan crown lord lady sir dame")
#: Family words that say nothing without whose family ("his son, Prince ...").
KIN_WORDS = wordset(
    "son sons daughter daughters wife husband mother father widow widower brother sister"
)
#: Abbreviated titles written out in a role ("North Carolina Gov." -> "governor").
ABBREVIATIONS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "capt": "captain",
    "supt": "superintendent",
    "det": "detective",
    "adm": "admiral",
    "cmdr": "commander",
    "prof": "professor",
}
#: Abbreviated titles that never end a sentence inside a name phrase ("Maryland Gov. Martin
#: O'Malley"); "Sen." is left out: "Hun Sen. Sam Rainsy" is two names.
TITLE_ABBREVIATIONS = frozenset(ABBREVIATIONS) - {"sen"} | wordset("mr mrs ms dr")
#: What an organisation does, from the verb of a "which" clause: "which makes" -> "maker of".
_DOER = {
    "makes": "maker of",
    "made": "maker of",
    "builds": "builder of",
    "runs": "operator of",
    "operates": "operator of",
    "owns": "owner of",
    "regulates": "regulator of",
    "oversees": "overseer of",
    "publishes": "publisher of",
    "produces": "producer of",
    "supplies": "supplier of",
    "sells": "seller of",
    "manages": "manager of",
    "organises": "organiser of",
    "organizes": "organizer of",
    "represents": "represents",
}
# A clause may hold a number written with a comma ("about 3,800 dock workers").
_CLAUSE_TEXT = r"((?:[^,;:.\"“”()]|(?<=\d)[,.](?=\d)){2,80})"
_WHICH_DOES = re.compile(r"^,\s*which\s+(" + "|".join(_DOER) + r")\s+" + _CLAUSE_TEXT)
_AGE = re.compile(r"^,\s*(\d{1,3})\s*,")
# "Tomas Brenn of the People's Party": an organisation the person belongs to.
_MEMBER_OF = re.compile(r"^\s+of\s+the\s+((?:[A-Z][\w'’&-]*\s+){0,4}[A-Z][\w'’&-]*)")
# A TeX-style closing quote ("evidence,'' Afghanistan's") ends a clause like '"' does.
_TEXT = r"(?:(?!''|``)[^,;:.\"“”()])"
_ROLE_APPOSITION = re.compile(r"^,\s*(?:\d{1,3},\s*)?(" + _TEXT + r"{2,100})")
_WHO_ROLE = re.compile(
    r"^,\s*who\s+((?:runs|heads|leads|owns|chairs|represents|speaks for|manages|works for|"
    r"works as|teaches|coaches)\s" + _TEXT + r"{2,100})"
)
_CONTINUE = wordset("of for at in with")
_NUMBER_WORDS = wordset("two three four five six seven eight nine ten both several many some all")
_CLAUSE_END = wordset("who which whose said says told and but that")
# Lowercase nouns that name an occupation by their ending ("meteorologist", "historian").
_OCCUPATION = re.compile(r"^[a-z-]{4,}(?:ist|ian|ologist)s?$")
_OPENING_PREPOSITIONS = wordset("of for with at by from to in on")
_PUNCTUATION_END = (",", ".", ";", ":", '"', "“", "”", "''", "``")


#: Nouns that can head a role of a person or an organisation.
HEADS = names.HEAD_NOUNS | names.ORG_ROLE_NOUNS


def _is_head(word: str) -> bool:
    lower = word.lower()
    if lower in STOPWORDS:
        return False
    return lower in HEADS or bool(_OCCUPATION.match(lower))


def role_after(after: str) -> str:
    """A role in apposition after the name ("Brandt, the transport minister,").

    >>> role_after(", a meteorologist with the Velmora Weather Service, said")
    'meteorologist with the Velmora Weather Service'
    """
    who = _WHO_ROLE.match(after)
    if who:
        return " ".join(who.group(1).split())
    match = _ROLE_APPOSITION.match(after)
    if not match:
        return ""
    words = match.group(1).split()
    opener = words[0]
    if opener == "of" and len(words) > 1:
        # "Petra Vanek, of the Ardanian Shippers' Council,"
        return " ".join(words[:8]) if any(w[:1].isupper() for w in words[1:]) else ""
    # A role opens with an article, a possessive or a lowercase noun, not a verb or a name.
    if opener.lower() in _NUMBER_WORDS or not (
        opener.lower() in names.DETERMINERS
        or names.POSSESSIVE.search(opener)
        or opener[:1].islower()
        and not opener.endswith(("ed", "ing"))  # "Sok An, representing ...": a verb
    ):
        return ""
    if opener.lower() in _CLAUSE_END:
        return ""
    head = next((i for i, w in enumerate(words[:6]) if _is_head(w)), None)
    if head is None:
        return ""
    plural = words[head].lower()
    if plural.endswith("s") and plural[:-1] in HEADS:
        return ""  # "Hun Sen and Ranariddh, co-prime ministers": a role shared by several
    if any(
        w.lower() in names.ROLE_STOP - names.DETERMINERS and not names.POSSESSIVE.search(w)
        for w in words[:head]
    ):
        return ""
    end = head + 1
    while end < len(words) and (words[end].lower() in names.ROLE_NOUNS or _is_head(words[end])):
        end += 1
    if end == len(words) - 1 and _noun_closing(words[end]):
        end += 1  # "a Category 3 major hurricane": "major" was an adjective
    elif end < len(words) and words[end].lower() in _CONTINUE and _employer(words, end):
        end = _continuation_end(words, end)
    return normalise_role(" ".join(words[:end]))


def _noun_closing(word: str) -> bool:
    """A lowercase last word that ends a noun phrase (not a verb: "said", "warned")."""
    lower = word.lower()
    return (
        word.isalpha()
        and word.islower()
        and lower not in STOPWORDS | names.ROLE_STOP
        and not lower.endswith(("ed", "ing", "ly"))
    )


def _employer(words: list[str], end: int) -> bool:
    """ "with" continues a role only into a name ("meteorologist with MDA Weather"), not
    into a description ("teacher with no experience")."""
    if words[end].lower() != "with":
        return True
    rest = [w for w in words[end + 1 : end + 3] if w.lower() not in names.DETERMINERS]
    return bool(rest) and rest[0][:1].isupper()


def _continuation_end(words: list[str], end: int) -> int:
    """Where "spokesman for the National Security Council at the White House" stops."""
    tail = end + 1
    while tail < len(words) and (tail - end <= 6 or words[tail][:1].isupper()):
        if words[tail].lower() in _CLAUSE_END:
            break
        tail += 1
    while tail > end + 1 and words[tail - 1].lower() in STOPWORDS | names.DETERMINERS:
        tail -= 1  # never end on "at the"
    return tail if tail - end >= 2 else end


def role_before(before: str, nouns: frozenset[str]) -> str:
    """A role written before the name and a comma ("the union's general secretary, ").

    The role must open its clause (after an article, a possessive, punctuation or the start
    of the sentence) and not close an apposition of an earlier name ("Tim Pendry, his
    adviser, Idris said": the adviser is Pendry).
    """
    noun = names.apposition_noun(before)
    if noun not in nouns or (noun.endswith("s") and noun[:-1] in nouns):
        return ""  # "the two ministers, Wren and Castell": a role shared by several
    words = before.rstrip()[:-1].split()
    taken: list[str] = []
    opened = False
    while words and len(taken) < 5:
        word = words[-1]
        lower = word.lower()
        if word.endswith(_PUNCTUATION_END) and not names.POSSESSIVE.search(word):
            opened = True
            break
        if lower in names.DETERMINERS:
            opened = True
            words.pop()
            break
        if lower in names.ROLE_STOP and not names.POSSESSIVE.search(word) and lower not in nouns:
            # "commander of bin Laden's group, Al-Qaeda" opens the role; "as sole prime
            # minister, King Sihanouk announced" does not.
            opened = lower in _OPENING_PREPOSITIONS
            break
        taken.insert(0, words.pop())
    if not words:
        opened = True
    if not opened:
        return ""  # "as sole prime minister, King Sihanouk announced"
    if words and words[-1].endswith(",") and words[-1][:1].isupper():
        return ""  # "Tim Pendry, his London-based adviser, Idris said"
    role = normalise_role(" ".join(taken))
    if role.lower() in KIN_WORDS:
        return ""  # "his son, Prince Ranariddh": whose son is not said here
    return role


def org_clause_role(after: str) -> str:
    """What an organisation does, from a "which" clause after its name.

    >>> org_clause_role(", which makes the kettle, said")
    'maker of the kettle'
    """
    match = _WHICH_DOES.match(after)
    if not match:
        return ""
    rest = match.group(2).split()
    while rest and rest[-1].lower() in STOPWORDS:
        rest.pop()
    if not rest:
        return ""
    return normalise_role(f"{_DOER[match.group(1)]} {' '.join(rest)}")


def age_role(after: str) -> str:
    """ "aged 67" for "Dora Venn, 67, ..." (ages 1-119 only)."""
    match = _AGE.match(after)
    if not match or not 0 < int(match.group(1)) < 120:
        return ""
    return f"aged {int(match.group(1))}"


def member_of(after: str, org_heads: frozenset[str]) -> str:
    """The organisation in "Tomas Brenn of the People's Party" (its last word an org head)."""
    match = _MEMBER_OF.match(after)
    if not match:
        return ""
    name = match.group(1)
    last = names.POSSESSIVE.sub("", name.split()[-1]).lower()
    return name if last in org_heads else ""


def person_roles(
    title: str, ranks: list[str], before: str, after: str, org_heads: frozenset[str]
) -> tuple[list[str], int]:
    """The roles written around one mention of a person, and how many of them show that the
    name is a person's.

    ``title`` is the title written as part of the name phrase ("FUNCINPEC President Prince"),
    ``ranks`` the ranks taken off its front ("Prince"); ``before`` and ``after`` are the text
    either side of the phrase.
    """
    title, rank = split_noble(title) if title else ("", "")
    rank = " ".join([*ranks, *rank.split()])
    found = [r for r in (normalise_role(title),) if r] if title else []
    evidence = len(found) + bool(rank)
    written_before = names.title_before(before)
    if written_before:
        # "opposition leader Prince Norodom Ranariddh": the job, and the rank apart.
        found.append(normalise_role(f"{written_before} {found[0]}" if found else written_before))
        evidence += 1
    if rank:
        found.append(rank)
    for role in (
        role_after(after),
        role_before(before, names.ROLE_NOUNS),
        member_of(after, org_heads),
        age_role(after),
    ):
        if role:
            found.append(role)
            evidence += 1
    return found, evidence


def split_noble(title: str) -> tuple[str, str]:
    """Split a rank off a job title: "FUNCINPEC President Prince" -> ("FUNCINPEC President",
    "prince")."""
    words = title.split()
    rank: list[str] = []
    while words and words[-1].lower() in NOBLE_TITLES:
        rank.insert(0, words.pop().lower())
    return " ".join(words), " ".join(rank)


def normalise_role(role: str) -> str:
    """Lowercase the title words, keep names cased, write out abbreviated titles.

    >>> normalise_role("a spokesman for the National Security Council")
    'spokesman for the National Security Council'
    >>> normalise_role("Maryland Gov.")
    'Maryland governor'
    """
    # "Delaware.North Carolina Gov.": two sentences run together upstream.
    original = [_GLUED.sub("", w) for w in role.replace("’", "'").strip(" ,").split()]
    words = names.normalise_role(" ".join(original)).split()
    offset = len(original) - len(words)  # leading articles dropped
    kept = original[offset:]
    if len(kept) != len(words):
        return " ".join(words)
    out = []
    for i, (word, written) in enumerate(zip(words, kept, strict=True)):
        # A run of capitalised words after a lowercase one is a name: "the National
        # Security Council" keeps its capitals (names.normalise_role lowercases role words).
        if written[:1].isupper() and i > 0 and _in_name_run(kept, i):
            word = written.rstrip(".") if i == len(kept) - 1 else written
        bare = written.lower().rstrip(".")
        if bare in ABBREVIATIONS and (written.endswith(".") or written.islower()):
            word = ABBREVIATIONS[bare]  # only when written as an abbreviation: "Hun Sen"
        out.append(word)
    return " ".join(out).rstrip(".")


_GLUED = re.compile(r"^[A-Za-z]{2,}\.(?=[A-Z][a-z])")


def _in_name_run(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` sits in a run of two or more capitalised words that follows a
    lowercase word."""
    start = i
    while start > 0 and words[start - 1][:1].isupper():
        start -= 1
    end = i
    while end + 1 < len(words) and words[end + 1][:1].isupper():
        end += 1
    return start > 0 and end > start and words[start - 1][:1].islower()


def is_org_role(after: str) -> bool:
    """Whether the apposition after a name makes it an organisation ("Islamic Jihad, an
    Egypt-based group responsible for ..."), but not a reporting clause ("in Albania, the
    newspaper reported")."""
    match = _ROLE_APPOSITION.match(after)
    if not match:
        return False
    words = match.group(1).split()
    if len(words) < 2 or words[0].lower() not in ("a", "an", "the"):
        return False
    head = next((i for i, w in enumerate(words[:6]) if _is_head(w)), None)
    while head is not None and head + 1 < len(words) and _is_head(words[head + 1]):
        head += 1  # "the company director": the last noun says what it is
    if head is None or words[head].lower() not in names.ORG_ROLE_NOUNS - names.HEAD_NOUNS:
        return False
    following = words[head + 1].lower() if head + 1 < len(words) else ""
    return not (following.endswith("ed") or following in _CLAUSE_END)


_PARTY = re.compile(r"\bcandidates?\b", re.IGNORECASE)


def with_party_role(entity: Entity, everyone: Sequence[tuple[Entity, tuple[int, int]]]) -> Entity:
    """An organisation that is a party says so: its name ends in "Party", or someone is its
    candidate ("Remer, the Civic Alliance candidate")."""
    if entity.type != "organization" or "political party" in entity.roles:
        return entity
    folded = entity.name.lower().replace("’", "'")
    party = folded.split()[-1] == "party" or any(
        folded in role.lower().replace("’", "'") and _PARTY.search(role)
        for other, _ in everyone
        if other.type == "person"
        for role in other.roles
    )
    if not party:
        return entity
    return dataclasses.replace(entity, roles=("political party", *entity.roles)[:5])


def clean_roles(roles: list[str], name: str, limit: int = 5) -> tuple[str, ...]:
    """Distinct roles, most often given first; a generic one inside a specific one goes;
    an age comes last."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for role in roles:
        role = " ".join(role.split()).strip(" ,.")
        key = role.lower()
        if not key or key == name.lower() or key in names.DETERMINERS or key in KIN_WORDS:
            continue
        if len(key.split()) == 1 and key not in HEADS and not _OCCUPATION.match(key):
            continue  # "former", "state": a modifier left without its noun
        counts[key] = counts.get(key, 0) + 1
        shown.setdefault(key, role)
    word_sets = {key: set(key.replace("'s", "").split()) for key in counts}
    kept = [
        key
        for key in counts
        if not any(other != key and word_sets[key] < word_sets[other] for other in counts)
    ]
    # Most often given first (stable: ties keep first-seen order); an age after the roles.
    kept.sort(key=lambda key: (key.startswith("aged "), -counts[key]))
    return tuple(shown[key] for key in kept[:limit])
