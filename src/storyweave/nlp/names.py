"""Person-name helpers for speaker resolution.

Splits a transcript label (``"JANE SMITH, HOST"``) into name and role, strips
honorifics and job titles from a capitalised name phrase (``"Foreign Minister Jane
Smith"`` -> ``"Jane Smith"`` + ``"foreign minister"``), and finds the name phrases
that a sentence writes, so the quote stage can tie "Smith", "SMITH" and "the minister"
to one person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .calendar import MONTH_NUMBER, WEEKDAYS
from .tokens import STOPWORDS, wordset

#: Honorifics dropped from a name ("Ms. Smith" is "Smith").
HONORIFICS = wordset(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lady lord rev rev. messrs
    messrs. mx mx.
    """
)

#: Words that make up a job title written before a name ("Foreign Minister Jane Smith",
#: "Sen. Tom Reed"). Lowercase, with and without the abbreviation dot.
ROLE_WORDS = wordset(
    """
    president vice prime minister ministers deputy foreign defense defence interior
    finance health education justice trade secretary state chancellor premier king queen
    prince princess pope cardinal bishop archbishop senator sen sen. representative rep
    rep. governor gov gov. mayor judge justice chief executive ceo cfo chair chairman
    chairwoman chairperson director spokesman spokeswoman spokesperson ambassador envoy
    general gen gen. lieutenant lt lt. colonel col col. major maj maj. captain capt
    capt. sergeant sgt sgt. admiral adm adm. commander commissioner inspector detective
    det det. officer sheriff attorney lawyer speaker leader minority majority house
    senate white national security adviser advisor press foreign-affairs coach manager
    professor economist analyst founder owner head police fire army navy former acting
    interim then incoming outgoing assistant associate undersecretary under-secretary
    superintendent supt supt. constable sir dame lord lady dr dr. mr mr. mrs mrs. ms ms.
    prof prof. rev rev. reverend
    """
)

#: Capitalised words that start a sentence or name a thing, never a person's first name.
NOT_NAME_WORDS = wordset(
    """
    the a an this that these those he she it they we i you his her its their our my but
    and or so yet if when while after before as at in on of for from with by to into
    under over today yesterday tomorrow last next this meanwhile however asked speaking
    according earlier later
    """
) | frozenset(WEEKDAYS) | frozenset(MONTH_NUMBER)

#: Role words that are also common names; they only count as a title at the front.
_NAME_LIKE = frozenset(
    {
        "king",
        "major",
        "general",
        "judge",
        "chief",
        "prince",
        "bishop",
        "pope",
        "white",
        "house",
        "head",
        "national",
        "speaker",
        "ceo",
        "press",
    }
)
#: Role words that count as a title anywhere in a phrase.
_TITLE_WORDS = ROLE_WORDS - _NAME_LIKE
_KEEP_DOT = frozenset({"Jr.", "Sr.", "St."})
#: Title abbreviations that are also name words ("Hun Sen"): kept at a name's end.
_SHORT_TITLES = frozenset({"sen", "rep", "gen", "gov", "col", "maj"})
_PLACE_PREPOSITIONS = wordset(
    """
    in at from to near into across outside inside of via
    """
)
_LABEL_SPLIT = re.compile(r"\s*,\s*")
# A capitalised word, an initial ("W."), or a particle inside a name ("de", "van", "bin").
_NAME_PHRASE = re.compile(
    r"(?<![\w'’.-])"
    r"((?:[A-Z][\w'’-]*\.?|(?:de|van|von|der|da|bin|al|del|la|le)(?=\s+[A-Z]))"
    r"(?:\s+(?:[A-Z][\w'’-]*\.?|(?:de|van|von|der|da|bin|al|del|la|le)(?=\s+[A-Z])))*)"
)


class PersonName(NamedTuple):
    """A name phrase split into the person's name and the role written with it."""

    name: str  # "Jane Smith", "Smith"; "" when the phrase held only a role
    role: str  # lowercase role words: "foreign minister"; "" when none


def split_label(label: str) -> PersonName:
    """Split a transcript label into name and role.

    >>> split_label("JANE SMITH, HOST")
    PersonName(name='JANE SMITH', role='host')
    >>> split_label("SMITH")
    PersonName(name='SMITH', role='')
    """
    parts = _LABEL_SPLIT.split(label.strip().rstrip(":"), maxsplit=1)
    name = parts[0].strip()
    role = parts[1].strip().lower() if len(parts) > 1 else ""
    return PersonName(name, role)


#: Transcript roles of the programme's own staff: their turns narrate the story, while a
#: guest's turn is a quote. Written in the label after a comma ("JANE SMITH, HOST") or as
#: the label itself ("UNIDENTIFIED REPORTER").
NARRATOR_ROLES = frozenset({"host", "byline", "anchor", "correspondent", "reporter", "presenter"})


def is_narrator(label: str | None) -> bool:
    """Whether a transcript speaker label names one of the programme's own staff.

    >>> is_narrator("JANE SMITH, HOST"), is_narrator("OSKAR BRANDT"), is_narrator(None)
    (True, False, False)
    """
    if not label:
        return False
    return not NARRATOR_ROLES.isdisjoint(re.findall(r"[a-z]+", label.lower()))


def is_role_word(word: str) -> bool:
    """Whether ``word`` is part of a job title or an honorific ("Minister", "Sen.")."""
    return word.lower() in ROLE_WORDS or word.lower() in HONORIFICS


def split_name(phrase: str) -> PersonName:
    """Split a capitalised phrase into name and the title written before it.

    >>> split_name("Foreign Minister Jane Smith")
    PersonName(name='Jane Smith', role='foreign minister')
    >>> split_name("Ms. Smith")
    PersonName(name='Smith', role='')
    """
    words = phrase.split()
    role: list[str] = []
    # "Transport Minister Oskar Brandt": everything up to the last title word is the role.
    titles = [i for i, w in enumerate(words[:-1]) if w.lower() in _TITLE_WORDS]
    if titles:
        role = [w.lower().rstrip(".") for w in words[: titles[-1] + 1]]
        role = [w for w in role if w not in HONORIFICS and w not in NOT_NAME_WORDS]
        words = words[titles[-1] + 1 :]
    while words and (is_role_word(words[0]) or words[0].lower() in NOT_NAME_WORDS):
        word = words.pop(0)
        if word.lower() not in HONORIFICS and word.lower() not in NOT_NAME_WORDS:
            role.append(word.lower().rstrip("."))
    # A possessive or a trailing title belongs to what follows, not to the name; but an
    # abbreviation after a name word is the name's own last word ("Hun Sen").
    while words and (words[-1].lower() in NOT_NAME_WORDS or is_role_word(words[-1])):
        if len(words) > 1 and words[-1].lower().rstrip(".") in _SHORT_TITLES and not (
            is_role_word(words[-2]) or words[-2].lower() in NOT_NAME_WORDS
        ):
            break
        words.pop()
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
    if words and words[-1].endswith(".") and len(words[-1]) > 2 and words[-1] not in _KEEP_DOT:
        words[-1] = words[-1][:-1]  # the sentence's period, not an initial or "Jr."
    return PersonName(" ".join(words), " ".join(role))


def name_phrases(text: str) -> list[str]:
    """Capitalised name-like phrases in ``text``, in order ("Foreign Minister Jane Smith")."""
    return [m.group(1) for m in _NAME_PHRASE.finditer(text)]


def people_named(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Names of people in ``text``, in order: two or more words, or with a title, or a lone
    surname that ``known`` (lowercase surnames of people named in full elsewhere) lists.

    A phrase after "in", "at", "from"... is a place ("arrived in Port Lavel").
    """
    people = []
    for match in _NAME_PHRASE.finditer(text):
        words_before = text[: match.start()].split()
        if words_before and words_before[-1].lower() in _PLACE_PREPOSITIONS:
            continue
        person = split_name(match.group(1))
        titled = person.role or match.group(1).split()[0].lower() in HONORIFICS
        if not looks_like_person(person.name):
            continue
        if len(person.name.split()) > 1 or titled or surname(person.name) in known:
            people.append(person.name)
    return people


def surname(name: str) -> str:
    """The lowercase last word of a name: the key people are grouped by."""
    words = name.split()
    return words[-1].lower().rstrip(".") if words else ""


def looks_like_person(name: str) -> bool:
    """Whether a stripped name phrase is plausibly a person: one to four capitalised words."""
    words = name.split()
    if not 1 <= len(words) <= 4:
        return False
    if any(w.lower() in NOT_NAME_WORDS for w in words):
        return False
    return all(
        w[:1].isupper() or w in {"de", "van", "von", "der", "da", "bin", "al", "del"} for w in words
    )


def title_case(name: str) -> str:
    """Title-case an all-caps name: "JANE O'BRIEN" -> "Jane O'Brien"."""
    return " ".join(
        "-".join(_title_word(part) for part in word.split("-")) for word in name.split()
    )


def _title_word(word: str) -> str:
    if "'" in word or "’" in word:
        quote = "'" if "'" in word else "’"
        head, _, tail = word.partition(quote)
        # O'BRIEN -> O'Brien, but NPR'S -> Npr's stays a possessive.
        if len(tail) == 1:
            return head.capitalize() + quote + tail.lower()
        return head.capitalize() + quote + tail.capitalize()
    return word.capitalize()


_APPOSITIVE_ROLE = re.compile(
    r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]+){0,3}),\s+(?:the|a|an)\s+([a-z][a-z'’ -]{2,60}?)"
    r"(?=,|\.|;| said| says| told|$)"
)
_ROLE_CUT = re.compile(r"\s+(?:of|for|at|in|from|on|to|with|who|whose|which|and)\s.*$")
_ARTICLES = frozenset({"the", "a", "an", "one", "another"})


@dataclass(slots=True)
class SpeakerResolver:
    """Maps each way a cluster writes a speaker to one canonical name.

    Built once per briefing from every sentence of the cluster (no global state):
    full names by surname, how often each is written, and which roles are tied to
    which names ("Foreign Minister Jane Smith", "Smith, the foreign minister").
    """

    full_names: dict[str, list[str]] = field(default_factory=dict)  # surname -> forms
    counts: dict[str, int] = field(default_factory=dict)
    ties: list[tuple[frozenset[str], str]] = field(default_factory=list)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> SpeakerResolver:
        """Learn the cluster's names and role ties from its sentence texts."""
        resolver = cls()
        split: dict[str, PersonName] = {}  # one split per distinct phrase
        for text in texts:
            for phrase in name_phrases(text):
                if len(phrase.split()) > 2 and phrase.split()[0].endswith("ing"):
                    phrase = phrase.split(" ", 1)[1]  # "Citing Hun Sen": a verb, not a name
                # "Boss Sara Ekwall" is a form of "Sara Ekwall", not a fuller name.
                if phrase not in split:
                    split[phrase] = split_name(strip_epithet(phrase))
                person = split[phrase]
                if person.name and looks_like_person(person.name):
                    resolver._add_name(person.name)
                    if person.role:
                        resolver._add_tie(person.role, person.name)
            for match in _APPOSITIVE_ROLE.finditer(text):
                person = split_name(match.group(1))
                if person.name and looks_like_person(person.name):
                    resolver._add_tie(_ROLE_CUT.sub("", match.group(2)), person.name)
        return resolver

    def _add_name(self, name: str) -> None:
        if name.isupper() and len(name) > 2:
            return  # an all-caps label is not a "properly cased" form
        forms = self.full_names.setdefault(surname(name), [])
        if name not in forms:
            forms.append(name)
        self.counts[name] = self.counts.get(name, 0) + 1

    def _add_tie(self, role: str, name: str) -> None:
        words = frozenset(role.lower().replace(".", "").split()) - _ARTICLES
        if words:
            self.ties.append((words, name))

    def canonical(self, name: str) -> str:
        """The fullest properly-cased form of ``name`` seen in the cluster.

        >>> r = SpeakerResolver.from_texts(["Jane Smith spoke.", "Smith left."])
        >>> r.canonical("SMITH"), r.canonical("Ms. Smith")
        ('Jane Smith', 'Jane Smith')
        """
        name = split_name(name).name or name
        wanted = {w.lower().rstrip(".") for w in name.split()}
        # The fullest form, but a full name written often beats a one-off longer variant.
        forms = [
            (min(len(form.split()), 2), self.counts[form], len(form.split()), -position, form)
            for position, form in enumerate(self.full_names.get(surname(name), []))
            if wanted <= {w.lower().rstrip(".") for w in form.split()}
        ]
        if forms:
            return max(forms)[-1]
        if name.isupper() and (len(name.split()) > 1 or len(name) > 5):
            return title_case(name)
        return name  # an acronym ("CPP") stays as written

    def resolve(self, written: str | None) -> str | None:
        """The canonical speaker for an attribution as one source wrote it.

        A role alone ("the minister") becomes a name only when the cluster ties that
        role to exactly one person; otherwise the role text is kept.
        """
        if written is None:
            return None
        head = strip_epithet(written.split(",", 1)[0].strip())
        first = head.split()[0] if head.split() else ""
        person = split_name(head)
        if first.lower() in _ARTICLES or not person.name:
            role = head if first.lower() in _ARTICLES else person.role
            return self._by_role(role) or written
        if not looks_like_person(person.name):
            return written
        return self.canonical(person.name)

    def _by_role(self, role: str) -> str | None:
        words = frozenset(role.lower().replace(".", "").split()) - _ARTICLES
        if not words:
            return None
        people = {self.canonical(name) for tie, name in self.ties if words <= tie}
        return people.pop() if len(people) == 1 else None


#: "the floor as Judge Helena Voss": a name introduced by "as" after other words.
_AS_NAME = re.compile(r"\bas\s+([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)+)$")


def strip_epithet(phrase: str) -> str:
    """A speaker phrase without what a tabloid or a possessive puts before the name.

    >>> strip_epithet("Boss Sara Ekwall"), strip_epithet("Sudmark's Tobias Wren")
    ('Sara Ekwall', 'Tobias Wren')

    Leading role nouns that :func:`split_name` does not treat as titles ("Boss") and an
    owner's possessive ("Sudmark's") go; so do the words before "as" in
    "the floor as Judge Helena Voss". A phrase that would be left without a capitalised
    name is returned unchanged ("the minister", "Union boss").
    """
    found = _AS_NAME.search(phrase)
    if found:
        phrase = found.group(1)
    words = phrase.split()
    start = 0
    # Titles split_name knows ("Finance Minister") stay: they tie a role to the name.
    while start < len(words) - 1 and (
        POSSESSIVE.search(words[start]) or words[start].lower() in _EPITHET_NOUNS
    ):
        start += 1
    rest = words[start:]
    if start and rest and all(w[:1].isupper() for w in rest) and looks_like_person(" ".join(rest)):
        return " ".join(rest)
    return phrase


# Roles written around a name (used by the entity stage) ---------------------------------

#: Nouns that head a person's role ("the transport minister", "defence lawyer").
ROLE_NOUNS = ROLE_WORDS | wordset(
    """
    boss chief executive leader candidate counterpart official engineer incumbent challenger
    negotiator prosecutor member activist resident witness survivor doctor nurse teacher
    schoolteacher student researcher scientist expert mother father widow son daughter wife
    husband host correspondent reporter editor anchor presenter mayor-elect president-elect
    vice-president aide campaigner critic observer organiser organizer owner worker
    spokeswoman spokesman spokesperson secretary-general chairman lawyer
    """
) - wordset("house white national press former acting interim then incoming outgoing of")
#: Role nouns that are no title to :func:`split_name` ("Boss"): :func:`strip_epithet` drops them.
_EPITHET_NOUNS = ROLE_NOUNS - ROLE_WORDS
#: Apposition nouns that make the named thing an organisation ("His company, Aske Structural").
ORG_ROLE_NOUNS = wordset(
    """
    company firm maker manufacturer group party union agency regulator line lines operator
    carrier carriers airline bank association council organisation organization charity
    insurer retailer supplier broadcaster newspaper firms companies
    """
)
#: Words that never belong to a role written before a name ("found director Konrad Aske").
ROLE_STOP = (
    STOPWORDS
    | NOT_NAME_WORDS
    | wordset(
        """
    found named met called accused praised criticised criticized blamed thanked
    interviewed quoted urged joined replaced succeeded sacked fired hired elected defeated
    beat beating defeating against
    """
    )
)
DETERMINERS = wordset("the a an its his her their our my your this that one")
POSSESSIVE = re.compile(r"['’]s$|(?<=s)['’]$")


def strip_possessive(text: str) -> str:
    """``text`` without a possessive ending ("Brandt's" -> "Brandt", "Dockers'" ->
    "Dockers"): what ``POSSESSIVE.sub("", text)`` gives for text without line breaks, with
    no regex (the entity stage strips every word it reads)."""
    if text.endswith(("'s", "’s")):
        return text[:-2]
    if text.endswith(("s'", "s’")):
        return text[:-1]
    return text


def apposition_noun(before: str) -> str:
    """The noun just before ", Name" ("His company, Aske Structural" -> "company")."""
    stripped = before.rstrip()
    if not stripped.endswith(","):
        return ""
    words = stripped[:-1].split()
    return words[-1].lower().strip('"“”') if words else ""



def title_before(before: str) -> str:
    """A lowercase title run straight into the name ("defence lawyer Ansgar Moll")."""
    last = before.rsplit(None, 1)[-1:]  # the same as split()[-1:], without every word
    if not last or last[0].lower() not in ROLE_NOUNS or last[0][:1].isupper():
        return ""
    words = before.split()
    taken: list[str] = []
    while words and len(taken) < 4:
        word = words[-1]
        lower = word.lower().strip('"“')
        if word.endswith((",", ".", ";", ":", '"', "”")) or lower in ROLE_STOP:
            break
        if lower.endswith("ed") and lower not in ROLE_NOUNS:
            break
        taken.insert(0, words.pop())
    return normalise_role(" ".join(taken))


# "Dalia Fenn, who runs a cafe by the terminal": a relative clause that says what someone is.
#: Nouns that can head a role; the adjectives of ROLE_WORDS ("foreign", "state") cannot.
HEAD_NOUNS = ROLE_NOUNS - wordset(
    """
    foreign defense defence interior finance health education justice trade state vice
    deputy general national security white house senate press majority minority police
    fire army navy former acting interim then incoming outgoing assistant associate sir
    dame lord lady dr dr. mr mr. mrs mrs. ms ms. prof prof. rev rev. reverend under
    """
)



def normalise_role(role: str) -> str:
    """Lowercase the title words, keep proper names; drop leading articles and pronouns."""
    words = role.replace("’", "'").strip(" ,.").split()
    while words and words[0].lower() in DETERMINERS:
        words.pop(0)
    kept: list[str] = []
    for i, word in enumerate(words):
        bare = word.lower().rstrip(".")
        inside_name = i > 0 and words[i - 1][:1].isupper() and kept[-1][:1].isupper()
        if inside_name or word.isupper() and len(word) > 1:
            kept.append(word)  # "Velmora Dockers' Union chief", "Hun Sen": names keep case
        elif bare in ROLE_NOUNS | _OPENERS | ORG_ROLE_NOUNS:
            kept.append(word.lower())
        else:
            kept.append(word)
    return " ".join(kept)


#: Capitalised words that open a role phrase but are common words ("Opposition leader").
_OPENERS = wordset(
    """
    opposition incumbent outgoing former acting interim party union defence defense transport
    interior foreign finance health education justice trade engineering company deputy
    senior chief general regional local state federal city police fire army
    """
)
