"""Speakers as names: a quote's speaker phrase, as one source wrote it, turned into the
name of the person or organisation it means.

- A name phrase keeps its name ("House Speaker Paul Ryan of Wisconsin" -> "Paul Ryan";
  "The Washington Post" -> "Washington Post").
- A pronoun ("he", "she") means the nearest person named before it whose gender fits:
  the subject of the same sentence, else the subjects of the sentences before.
- A description ("the senator", "the Republican lawmaker", "the opposition leader")
  means the last person the source gave that role ("Sen. Tom Reed", "Ada Lund, the
  opposition leader"); a document ("the statement", "the letter") means who issued it
  when the source says ("the party, in a statement, ...").
- Anything else ("the ruling", "a young woman who", "officials") is no name: the caller
  shows the quote as unattributed.

:class:`SourcePeople` is built once per source (no global state).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Sentence
from . import names
from .tokens import wordset

#: How many sentences back a pronoun or a description may look for the one it means.
#: Pronouns in news point at someone named in the last few sentences; a description
#: ("the senator") may come back to a person named much earlier in the story.
PRONOUN_WINDOW = 4
DESCRIPTION_WINDOW = 40


#: First names that tell a person's gender, for "he"/"she". A small lexicon of common
#: English first names; anything else stays "unknown" (compatible with both).
MALE_NAMES = wordset(
    """
    aaron adam alan albert alex alexander andrew anthony antonio arthur barack ben benjamin
    bernie bill billy bob bobby brad bradley brandon brian bruce carl carlos charles charlie
    chris christopher chuck cory craig dan daniel danny dave david dennis dick don donald
    doug douglas ed eddie edward elijah eric ernest frank fred gary george gerald glenn
    greg gregory harold harry henry howard ian jack jacob jake james jason jeb jeff jeffrey
    jeremy jerry jesse jim jimmy joe joel john johnny jon jonathan jorge jose joseph josh
    joshua juan justin keith ken kenneth kevin kurt larry lawrence lee leon louis luis
    marco mark martin matt matthew michael mike mitch mitt nathan newt nicholas nick noah
    oliver patrick paul pete peter phil philip ralph randy ray raymond reince richard rick
    rob robert roger ron ronald roy rudy russell ryan sam samuel scott sean sherrod stephen
    steve steven ted terry thomas tim timothy todd tom tony travis trey victor vincent
    walter wayne william willie zach
    """
)
FEMALE_NAMES = wordset(
    """
    abigail alice alicia alison allison amanda amy andrea angela ann anna anne barbara
    betty beverly brenda carly carol caroline carolyn catherine cheryl christina christine
    cindy claire debbie deborah debra diana diane donna doris dorothy elaine elizabeth
    ellen emily emma evelyn frances gloria grace hannah heather heidi helen hillary huma
    irene jackie jane janet janice jean jennifer jessica jill joan joanne joyce judith judy
    julia julie karen katherine kathleen kathy katie kelly kelly kim kimberly kristen laura
    lauren linda lisa lois loretta lori louise madeleine marco margaret maria marie marilyn
    martha mary megan melania melissa michele michelle mildred nancy nicole nikki olivia
    pamela patricia paula peggy rachel rebecca rose ruth sally samantha sandra sara sarah
    sharon shirley sophia stephanie susan teresa theresa tiffany tina tulsi virginia wendy
    """
) - {"marco"}
_MALE_WORDS = wordset(
    """
    mr mr. he him his man men sir lord king prince father husband son brother uncle
    spokesman congressman chairman businessman councilman assemblyman boyfriend
    grandfather nephew
    """
)
_FEMALE_WORDS = wordset(
    """
    mrs mrs. ms ms. miss she her woman women lady dame queen princess mother wife
    daughter sister aunt spokeswoman congresswoman chairwoman businesswoman councilwoman
    assemblywoman girlfriend grandmother niece
    """
)
#: Role nouns that mean the same office ("the lawmaker" is the one written "Sen. Reed").
_ROLE_FAMILIES = (
    wordset("senator sen lawmaker legislator congressman congresswoman representative rep"),
    wordset("nominee candidate contender hopeful frontrunner front-runner"),
    wordset("spokesman spokeswoman spokesperson"),
    wordset("governor gov"),
    wordset("president"),
    wordset("secretary"),
    wordset("chairman chairwoman chair chairperson"),
    wordset("general gen"),
    wordset("attorney lawyer"),
    wordset("mogul billionaire businessman businesswoman developer"),
)
#: Head nouns of the descriptions news uses to re-mention a person it has just named
#: ("the Texas senator", "the Republican nominee", "the New York businessman").
REMENTION_NOUNS = wordset(
    """
    senator congressman congresswoman lawmaker governor nominee candidate frontrunner
    front-runner hopeful contender incumbent challenger businessman businesswoman
    billionaire mogul president vice-president mayor democrat republican aide secretary
    minister leader chairman chairwoman speaker general
    """
)
#: Words that tell one holder of a role from another ("the opposition leader").
_ROLE_MODIFIERS = wordset(
    """
    opposition foreign defense defence finance interior health justice trade transport
    prime vice deputy former majority minority senate house state federal
    """
)
#: Nouns for a document: "the statement said" means whoever issued it.
DOCUMENT_NOUNS = wordset(
    """
    statement letter release report memo email e-mail tweet post message note filing
    ad advertisement video ruling decision order opinion complaint lawsuit suit
    """
)
#: Words that make a capitalised phrase an organisation, not a person.
ORG_WORDS = wordset(
    """
    party committee news post times journal house department university council
    campaign association foundation court senate congress administration inc corp
    company group agency ministry office network times daily institute center centre
    bank union league church network commission board bureau times press tribune
    government police army navy
    """
)
#: Plural nouns for groups: "Officials said" names nobody.
GROUP_NOUNS = wordset(
    """
    officials critics authorities residents experts analysts sources witnesses protesters
    supporters opponents observers aides advisers advisors lawmakers leaders voters
    investigators prosecutors police researchers scientists democrats republicans
    conservatives liberals activists organizers organisers members delegates officers
    economists diplomats doctors parents students workers people others many some both
    americans latinos hispanics germans europeans russians chinese attorneys demonstrators
    """
)
_PRONOUNS = wordset("he she they it i we you")
# A capitalised word that is not its sentence's first word ("Mr. Biden", "told Reuters").
_INNER_CAPITAL = re.compile(r"(?<=\S )([A-Z][\w'’-]+)")
#: One-word "speakers" that never are: places, adjectives, nouns that open sentences.
_NOT_SPEAKERS = wordset(
    """
    us u.s uk u.k eu vp pac now foia isis gop nobody several start amid early super front
    transcript review agency group census treasury department democratic republican
    republican-leaning twenty-seven america washington iran germany china russia israel
    texas arizona ohio pennsylvania florida california illinois indiana massachusetts
    virginia michigan georgia carolina iowa nevada dallas cleveland sacramento tallahassee
    benghazi ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn
    miss mo mont neb nev n.h n.j n.m n.y n.c n.d okla ore pa r.i s.c s.d tenn tex vt va wash
    wis wyo projections polls signs earnings investigations electric southeastern soviet
    wait even having people companies guests respondents internet web finally
    """
)
#: Adverbs that open a sentence before a name ("Even Mike Pence said").
_LEADING_ADVERBS = wordset(
    """
    even also only now still then meanwhile wait indeed finally although though while
    because since whereas added asked eyewitness
    """
)
#: Capitalised sentence openers that are never a name.
_NOT_NAMES = wordset(
    """
    what who why how when where there here this that these those it its if but and so
    some many most all both each every no none any such only also more
    """
)
_ARTICLES = wordset("the a an")
_INDEFINITE = wordset("a an one another some")
#: A capitalised word or an initial: "(?:[A-Z](?:[\w.-]|['’](?=\w))*|[A-Z]\.)" with the
#: capital factored out of the two branches (the same matches, tried in the same order),
#: so that a pattern starting with it lets the regex engine skip to the capitals.
_CAP = r"(?:[A-Z](?:(?:[\w.-]|['’](?=\w))*|\.))"
_PARTICLES = r"(?:de|van|von|der|da|del|bin|al|la|le|du|ibn)"
_NAME_TEXT = rf"(?<![\w'’.-]){_CAP}(?:\s+(?:{_PARTICLES}\s+)?{_CAP})*"
#: _NAME_TEXT with its look-behind tested after the capital that every name starts with
#: (_CAP's two branches, factored): the same matches, but the regex engine skips straight
#: to the capitals instead of trying the look-behind at every position.
_NAME = re.compile(
    rf"[A-Z](?<![\w'’.-][A-Z])(?:(?:[\w.-]|['’](?=\w))*|\.)(?:\s+(?:{_PARTICLES}\s+)?{_CAP})*"
)
_TWO_NAMES = re.compile(rf"{_NAME_TEXT}\s+and\s+{_NAME_TEXT}")
_NAME_OF_PLACE = re.compile(rf"(.*?{_NAME_TEXT})\s+of\s+(?:the\s+)?{_NAME_TEXT}")
_QUOTED = re.compile(r"(``|“|\").*?(''|”|\"|$)")
# ", the foreign minister," / ", leader of a small opposition party,": a role after a name.
_APPOSITIVE = re.compile(
    r"^,\s+(?:(?:the|a|an)\s+|(?=(?:leader|head|chief|spokesman|spokeswoman|chairman|"
    r"president|secretary|director|founder|member)\b))((?:[\w'’-]+\s+){0,7}?[\w'’-]+)\s*(?=[,.;]|$)"
)


@dataclass(slots=True)
class Person:
    """A person a source names, with what it says about them."""

    name: str
    gender: str  # "m", "f" or ""
    roles: set[str] = field(default_factory=set)


@dataclass(slots=True)
class SourcePeople:
    """The people one source names, sentence by sentence, for resolving speakers."""

    mentions: list[list[tuple[int, str]]]  # per sentence: (offset, person name) in order
    people: dict[str, Person]  # by name
    surnames: dict[str, str]  # lowercase surname -> fullest name
    documents: list[list[str]]  # per sentence: who issued a document mentioned there

    @classmethod
    def from_sentences(cls, sentences: Sequence[Sentence]) -> SourcePeople:
        """Scan every sentence (outside quotation marks) for person names and roles."""
        texts = [_QUOTED.sub(lambda m: " " * len(m.group()), s.text) for s in sentences]
        split: dict[str, names.PersonName] = {}  # one split per distinct phrase
        person_like: dict[str, bool] = {}

        def split_phrase(phrase: str) -> names.PersonName:
            if phrase not in split:
                split[phrase] = names.split_name(names.strip_epithet(phrase))
            return split[phrase]

        def is_person(name: str) -> bool:
            if name not in person_like:
                person_like[name] = _is_person(name)
            return person_like[name]

        full: dict[str, str] = {}
        for text in texts:
            for match in _NAME.finditer(text):
                person = split_phrase(match.group())
                if len(person.name.split()) > 1 and is_person(person.name):
                    full.setdefault(names.surname(person.name), person.name)
        people: dict[str, Person] = {}
        mentions: list[list[tuple[int, str]]] = []
        documents: list[list[str]] = []
        for text in texts:
            here: list[tuple[int, str]] = []
            if _headline_case(text):
                mentions.append(here)  # "Top Clinton Adviser Says …": capitals are style
                documents.append([])
                continue
            for match in _NAME.finditer(text):
                phrase = match.group()
                person = split_phrase(phrase)
                name = person.name
                if not name or not is_person(name):
                    continue
                titled = bool(person.role) or phrase.split()[0].lower() in names.HONORIFICS
                key = full.get(names.surname(name), name if len(name.split()) > 1 else "")
                if not key and (titled or _SPEAKS.match(text, match.end())):
                    key = name  # "Sen. Reed", or "Feinstein said": a person
                if not key:
                    continue
                entry = people.setdefault(key, Person(key, ""))
                entry.gender = entry.gender or _gender(phrase, text[: match.start()], key)
                roles = _role_words(person.role)
                roles |= _role_words(names.title_before(text[: match.start()]))
                appositive = _APPOSITIVE.match(text[match.end() :])
                if appositive:
                    roles |= _role_words(appositive.group(1))
                entry.roles |= roles
                here.append((match.start(), key))
            mentions.append(here)
            documents.append(_issuers(text))
        return cls(mentions, people, {names.surname(v): v for v in full.values()}, documents)

    def resolve(self, phrase: str | None, sentence: int, at: int = 10**9) -> str | None:
        """The name ``phrase`` (written at offset ``at`` of sentence ``sentence``) means,
        or ``None``."""
        if phrase is None:
            return None
        head = phrase.split(",", 1)[0].strip()
        words = head.split()
        if not words:
            return None
        first = words[0].lower()
        if first in _PRONOUNS:
            return self.pronoun(first, sentence, at) if first in ("he", "she") else None
        named = name_of(head)
        if named is not None:
            return named
        appositive = phrase.split(",", 1)[1] if "," in phrase else ""
        if appositive:
            named = name_of(appositive.strip())
            if named is not None:
                return named  # "a spokeswoman for the hotel, Ana Ruiz"
        if first in _INDEFINITE:
            # "A defensive Obama": a person the story named, with an adjective.
            last = words[-1].strip(".,")
            if last[:1].isupper() and len(words) <= 4 and last.lower() in self.surnames:
                return self.surnames[last.lower()]
            return None  # "a spokesman": nobody the story has named
        return self.description(head, sentence, at)

    def pronoun(self, pronoun: str, sentence: int, at: int = 10**9) -> str | None:
        """'he'/'she' -> the nearest named person of that gender (or of unknown gender):
        the first named in the same sentence before the pronoun, else the first named in
        each sentence before (the subject, usually)."""
        wanted = "m" if pronoun == "he" else "f"
        for back in range(sentence, max(-1, sentence - PRONOUN_WINDOW - 1), -1):
            if not 0 <= back < len(self.mentions):
                continue
            for offset, name in self.mentions[back]:
                if back == sentence and offset >= at:
                    break
                if self.people[name].gender in (wanted, ""):
                    return name
        return None

    def compatible(self, name: str, pronoun: str) -> bool:
        """Whether 'he'/'she' can mean ``name`` (unknown gender fits both)."""
        person = self.people.get(name)
        gender = person.gender if person else ""
        return gender in ("m" if pronoun == "he" else "f", "")

    def description(self, head: str, sentence: int, at: int = 10**9) -> str | None:
        """'the senator' -> the last person given that role; 'the statement' -> its issuer."""
        words = [w.lower().strip(".,") for w in head.split()]
        words = [w for w in words if w not in _ARTICLES]
        owner = None
        if words and re.search(r"['’]s$", words[0]):
            owner = name_of(head.split()[0 if head.split()[0].lower() not in _ARTICLES else 1][:-2])
            words = words[1:]  # "Obama's former strategist": the owner is not the speaker
        if not words:
            return None
        noun = words[-1]
        if noun in DOCUMENT_NOUNS and owner is not None:
            return owner  # "Trump's tweet"
        if noun in DOCUMENT_NOUNS:
            for back in range(sentence, max(-1, sentence - 3), -1):
                if 0 <= back < len(self.documents) and self.documents[back]:
                    return self.documents[back][-1]
            return None
        if noun in GROUP_NOUNS or noun.endswith("s") and noun[:-1] in names.ROLE_NOUNS:
            return None  # "the senators": a group
        family = next((f for f in _ROLE_FAMILIES if noun in f), frozenset({noun}))
        modifiers = {w for w in words[:-1] if w in names.ROLE_WORDS or w in _ROLE_MODIFIERS}
        fallback = None
        for back in range(sentence, max(-1, sentence - DESCRIPTION_WINDOW - 1), -1):
            if not 0 <= back < len(self.mentions):
                continue
            for offset, name in reversed(self.mentions[back]):
                if back == sentence and offset >= at:
                    continue
                roles = self.people[name].roles
                if roles & family:
                    if modifiers <= roles:
                        return name  # "the opposition leader": the leader of the opposition
                    fallback = fallback or name
        # With a telling modifier nobody matches ("the opposition leader" when only the
        # "Cambodian leader" has a role), guessing would pick the wrong person.
        return None if modifiers else fallback


def name_of(phrase: str) -> str | None:
    """The name in a speaker phrase, or ``None`` when it holds none.

    >>> name_of("House Speaker Paul Ryan"), name_of("the CPP"), name_of("the ruling")
    ('Paul Ryan', 'CPP', None)
    """
    phrase = phrase.strip(" ,")
    words = phrase.split()
    if not words or words[0].lower() in _INDEFINITE or words[0].lower() in _PRONOUNS:
        return None
    if _TWO_NAMES.fullmatch(phrase):
        return phrase  # "Cummings and Conyers"
    of = _NAME_OF_PLACE.fullmatch(phrase)
    if of:
        if is_organisation(phrase):
            return phrase.removeprefix("The ").removeprefix("the ")  # "Bank of America"
        return name_of(of.group(1))  # "Senator John McCain of Arizona"
    if words[0].lower() == "the":
        words = words[1:]
    if not words or words[-1].lower() in GROUP_NOUNS:
        return None
    # The capitalised run at the end is the name ("former UN Ambassador John Bolton").
    run: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() or (run and re.fullmatch(_PARTICLES, word)):
            run.insert(0, word)
        else:
            break
    if not run or len(run) < len(words) and not _lower_titles(words[: len(words) - len(run)]):
        return None
    while len(run) > 1 and run[0].lower() in _LEADING_ADVERBS:
        run = run[1:]  # "Even Mike Pence"
    if run[0].lower() in _NOT_NAMES or (len(run) == 1 and re.fullmatch(r"[A-Z]\.?", run[0])):
        return None  # "What that means", "This Week", "U."
    if any(w.lower().strip(".,’'s") in ORG_WORDS for w in run) and len(run) > 1:
        return " ".join(run).strip(" ,")  # "State Department": no title to strip
    person = names.split_name(names.strip_epithet(" ".join(run)))
    name = person.name.strip(" ,")
    if not name or not name[:1].isupper():
        return None
    if name.lower() in names.NOT_NAME_WORDS or name.lower() in names.ROLE_WORDS:
        return None
    return name


def is_organisation(name: str) -> bool:
    """Whether a capitalised phrase names an organisation ("State Department")."""
    words = name.split()
    return len(words) > 1 and any(w.lower().strip(".,’'s") in ORG_WORDS for w in words)


@dataclass(frozen=True, slots=True)
class KnownWords:
    """Capitalised words a cluster writes inside sentences (not as their first word): a
    one-word speaker must be one of them ("Reuters", "Pew") or an acronym ("CNN")."""

    inside: frozenset[str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> KnownWords:
        """Collect them from the cluster's sentence texts."""
        found = set()
        for text in texts:
            for match in _INNER_CAPITAL.finditer(text):
                found.add(match.group(1))
        return cls(frozenset(found))

    def plausible(self, speaker: str) -> bool:
        """Whether a speaker to show passes the one-word test (longer names always do)."""
        words = speaker.split()
        if len(words) > 1:
            return True
        word = words[0]
        bare = word.lower().strip(".")
        if bare in _NOT_SPEAKERS or bare in GROUP_NOUNS or re.search(r"['’](?:s|m|ve|d|ll|re)$", word):
            return False  # "Texas", "Americans", "I'm", "Saturday's"
        if re.search(r"(?:ic|ian|ans|ese|ish|ern|ing|ists)$", bare) and word not in self.inside:
            return False  # "Islamic", "Republicans", "Having": sentence-initial words
        if bare.endswith("ians") or re.fullmatch(r"[DRI]-[A-Za-z.]+", word):
            return False  # "Palestinians", "R-Ill": a people, a party-and-state tag
        if re.fullmatch(r"[A-Z][A-Z0-9&.]{1,7}", word) or re.search(r"[a-z][A-Z]", word):
            return True  # "CNN", "PolitiFact"
        return word in self.inside and word[:1].isupper()


def looks_like_name(speaker: str) -> bool:
    """Whether a speaker to show is a name: capitalised words, particles allowed; not a
    lone title or sentence word ("Secretary", "When")."""
    words = speaker.split()
    if not words or words[0].lower() in _ARTICLES | _PRONOUNS | _INDEFINITE:
        return False
    if len(words) == 1 and (
        words[0].lower().rstrip(".") in names.ROLE_WORDS | names.NOT_NAME_WORDS | _NOT_NAMES
    ):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or re.fullmatch(_PARTICLES, w)
               or w.lower() in ("of", "and", "for", "&") for w in words)


def _lower_titles(words: list[str]) -> bool:
    """Lowercase words before a name that are a title ("former", "retired neurosurgeon",
    "longtime Democratic pollster"), not a description of someone else ("a spokesman for
    committee Democrats", "the ruling by")."""
    if words[0].lower() in _INDEFINITE | _PRONOUNS:
        return False
    return not any(w.lower().strip(",") in _NOT_TITLE for w in words)


#: Words that never sit in a title before a name: the name is then someone else's.
_NOT_TITLE = wordset(
    """
    of for at in from with by to on and or who that whose which than about against said
    says told the a an
    """
)


_SPEAKS = re.compile(
    r"\s+(?:[a-z]+ly\s+|also\s+)?(?:said|says|told|tells|added|adds|wrote|writes|asked|"
    r"replied|argued|insisted|explained|noted|warned|continued|recalled)\b"
)


def _headline_case(text: str) -> bool:
    """Whether a sentence is written in headline capitals ("Top Aide Says Plan Is Dead")."""
    capitalised = 0
    for word in text.split():
        if len(word) > 3 and word[:1].isalpha():
            if not word[:1].isupper():
                return False  # most sentences stop at their first long lower-case word
            capitalised += 1
    return capitalised >= 4


def _is_person(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 4 or not names.looks_like_person(name):
        return False
    return not any(w.lower().strip(".") in ORG_WORDS for w in words)


def _gender(phrase: str, before: str, name: str) -> str:
    first = phrase.split()[0].lower()
    if first in _MALE_WORDS:
        return "m"
    if first in _FEMALE_WORDS:
        return "f"
    given = name.split()[0].lower()
    if given in MALE_NAMES:
        return "m"
    if given in FEMALE_NAMES:
        return "f"
    previous = before.split()[-1].lower() if before.split() else ""
    if previous in _MALE_WORDS - {"he", "his", "him"}:
        return "m"
    if previous in _FEMALE_WORDS - {"she", "her"}:
        return "f"
    return ""


def _role_words(role: str) -> set[str]:
    return {w.lower().strip(".,") for w in role.split()} - _ARTICLES - {""}


_ISSUER = re.compile(
    rf"({_CAP}(?:\s+(?:{_PARTICLES}\s+)?{_CAP})*)(?:['’]s?\s+(?:\w+\s+)?(?:statement|letter)"
    r"|,?\s+(?:in|through)\s+an?\s+(?:\w+\s+)?(?:statement|letter|release|email|memo)"
    r"|\s+(?:issued|released|sent|posted)\s+an?\s+(?:\w+\s+)?(?:statement|letter|release))"
)


def _issuers(text: str) -> list[str]:
    """Who issued a document this sentence mentions ("The Lund Party, in a statement")."""
    found = []
    for match in _ISSUER.finditer(text):
        name = name_of(match.group(1))
        if name is not None:
            found.append(name)
    return found
