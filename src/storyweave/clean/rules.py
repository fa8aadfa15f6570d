"""Vocabulary, patterns and line features for the cleaning stage (:mod:`storyweave.clean`).

Everything here is generic news-site furniture (subscribe, newsletter, cookies, photo
credits, share buttons...), never one site's strings. Each pattern carries the reason
label that the cleaning report shows. Patterns are compiled once per :class:`Rules`
object, which the caller holds, so nothing is built at import time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import compress
from operator import itemgetter

from ..nlp.calendar import MONTH_NUMBER, WEEKDAY_ABBREVIATIONS, WEEKDAYS
from ..nlp.tokens import alternation
from .literals import Screen

# Reason labels shown in the cleaning report.
TITLE = "title"
OUTLET = "outlet"
BYLINE = "byline"
DATELINE = "dateline/timestamp"
STAGE = "stage direction"
PHOTO = "photo credit"
CAPTION = "photo caption"
DUPLICATE = "duplicate line"
COPYRIGHT = "copyright"
CREDITS = "reporting credits"
BIO = "author bio"
COOKIE = "cookie notice"
CRAWL = "crawl notice"
SOCIAL = "social embed"
SUBSCRIBE = "subscription prompt"
SHARE = "share/player widget"
AD = "advertisement"
RELATED = "related headlines"
TOP = "site chrome (top)"
BOTTOM = "site chrome (bottom)"
REPEATED = "repeated across cluster"
IMAGE = "image"
CALLOUT = "reader call-out"
MODEL = "boilerplate (model)"  # the learned line classifier's call, no rule fired
FALLBACK = "cleaning fallback"  # not a removal: says the cleaner relaxed its decision

_MONTHS = alternation(MONTH_NUMBER)
_WEEKDAYS = alternation(WEEKDAYS + WEEKDAY_ABBREVIATIONS)

# Words that mark a line as running prose rather than a label, headline or menu.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "not",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "who",
        "which",
        "what",
        "when",
        "where",
        "said",
        "says",
        "told",
        "after",
        "before",
        "as",
        "than",
        "into",
        "about",
        "over",
        "also",
        "more",
        "most",
    ]
)

# Words that make a short capitalised top line look like a news outlet's name.
OUTLET_WORDS = frozenset(
    [
        "news",
        "times",
        "post",
        "herald",
        "ledger",
        "radio",
        "gazette",
        "tribune",
        "journal",
        "daily",
        "chronicle",
        "review",
        "observer",
        "press",
        "wire",
        "today",
        "weekly",
        "courier",
        "record",
        "telegraph",
        "guardian",
        "standard",
        "sun",
        "star",
        "mail",
        "express",
        "network",
        "tv",
        "broadcasting",
        "bulletin",
        "dispatch",
        "examiner",
        "sentinel",
        "register",
        "monitor",
        "report",
        "reporter",
        "inquirer",
        "independent",
        "mirror",
        "globe",
        "voice",
        "online",
        "media",
        "television",
        "channel",
        "fm",
    ]
)


@dataclass(frozen=True, slots=True)
class LineShape:
    """Cheap surface features of one line, used by every rule."""

    text: str
    words: int
    terminal: bool  # ends like a sentence (. ! ? or a closing quote after one)
    prose_share: float  # share of words that are lower-case function words
    lower_share: float  # share of words not capitalised (any script, uncased ones too)
    title_share: float  # share of alphabetic words that start with a capital
    upper: bool  # written in capitals (an outlet banner, a transcript label)
    numbers: int = 0  # number tokens ("2", "0-1", "10,000", "28.5")

    @property
    def data_row(self) -> bool:
        """A row of a results or price table: names and numbers, no prose glue words
        ("Japan 2 Syria 1 (halftime 0-1)", "Uzbekistan 1 1 0 0 2 0 3"). Such rows carry the
        story's names, so the top/bottom zones do not take them for chrome."""
        return self.numbers >= 2 and self.title_share >= 0.5 and self.prose_share == 0.0

    @property
    def sentence_like(self) -> bool:
        """Reads as running prose: a finished sentence, or a long line with prose words."""
        # Any language: a finished line whose words are mostly not capitalised.
        # 0.3 keeps Title Case headlines out (their lower-case share is under 0.2).
        if (
            self.terminal
            and self.words >= 4
            and (self.prose_share > 0.0 or self.lower_share >= 0.3)
        ):
            return True
        # A long line of mostly lower-case words is prose even without punctuation.
        if self.words >= 20 and self.lower_share >= 0.4:
            return True
        # A standfirst or wrapped line: long enough and with the glue words of prose.
        # 8 words / 25 % separates sentence-case prose from title-case headlines in
        # tests/data/clean (headlines there have at most 2 glue words in 8+).
        return self.words >= 8 and self.prose_share >= 0.25


# Han, kana and Hangul syllables; CJK text has no spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# "(?<![\w.])\d[\d.,:/-]*(?![\w])" with the look-behind tested after the first digit: the
# same matches, but the regex engine skips straight to the digits.
_NUMBER = re.compile(r"\d(?<![\w.]\d)[\d.,:/-]*(?![\w])")


def shape(text: str) -> LineShape:
    """Measure ``text`` (one stripped line)."""
    words = _WORD.findall(text)
    n = len(words)
    upper = _in_capitals(text)
    # Glue words count only in lower case (so Title Case headlines have none), except
    # in a line written all in capitals, where case says nothing.
    glue = list(compress(words, map(FUNCTION_WORDS.__contains__, map(str.lower, words))))
    prose = len(glue) if upper else sum(map(str.islower, map(itemgetter(0), glue)))
    capital = sum(map(str.isupper, map(itemgetter(0), words)))
    ascii_only = text.isascii()
    return LineShape(
        text=text,
        # About two CJK characters make a word; enough for length thresholds.
        words=len(text.split()) + (0 if ascii_only else len(_CJK.findall(text)) // 2),
        terminal=_terminal(text),
        prose_share=prose / n if n else 0.0,
        lower_share=(n - capital) / n if n else 0.0,
        title_share=capital / n if n else 0.0,
        upper=upper,
        numbers=len(_NUMBER.findall(text)),
    )


_CLOSERS = "'\"”’)]」』"
_TERMINALS = ".!?…:;。！？"


def _terminal(text: str) -> bool:
    r"""Whether ``text`` ends like a sentence, as ``[.!?…:;。！？]['"”’)\]」』]*$|["”]$``
    would find, read from the end instead of searched: the text ends (but for one
    newline, which ``$`` allows) with a quote mark, or with sentence punctuation and
    closers."""
    end = text.removesuffix("\n")
    if end.endswith(('"', "”")):
        return True
    core = end.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _TERMINALS


_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_CAPITALS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _in_capitals(text: str) -> bool:
    """Over 90 % of the letters of ``text`` are capitals (it has letters)."""
    if text.isascii():
        # Counted in C: the bytes that deleting the letters (the capitals) takes away.
        raw = text.encode("ascii")
        letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        capitals = len(raw) - len(raw.translate(None, _ASCII_CAPITALS))
    else:
        alphabetic = [c for c in text if c.isalpha()]
        letters, capitals = len(alphabetic), sum(map(str.isupper, alphabetic))
    return letters > 0 and capitals / letters > 0.9


def normalise(line: str) -> str:
    """Fold a line for comparison across articles: case, spacing and edge punctuation."""
    return " ".join(line.lower().split()).strip(" .,:;-–—|•*#>")


def month_number(name: str) -> int | None:
    """1..12 for a month name or abbreviation, else ``None``."""
    return MONTH_NUMBER.get(name.lower().rstrip("."))


@dataclass(frozen=True)
class Rules:
    """The compiled pattern set. Build one and reuse it; it holds no per-article state."""

    # Anchored or unmistakable patterns: they apply whatever the line's length or shape.
    strong: tuple[tuple[str, str], ...] = field(
        default=(
            (r"^[(\[][A-Z][A-Z0-9 ,.'’#&/\-]*(?::[^)\]]*)?[)\]]$", STAGE),
            (r"^[(\[](?:music|laughter|applause|crosstalk|inaudible|silence)[^)\]]*[)\]]$", STAGE),
            (r"alexa internet has been donating", CRAWL),
            (r"these crawls are part of an effort to archive", CRAWL),
            (r"crawls of supported .no more 404", CRAWL),
            (r"wayback machine after an embargo", CRAWL),
            (r"pic\.twitter\.com/\w+", SOCIAL),
            (r"^[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s+(?:" + _MONTHS + r")\b", SOCIAL),
            (r"^(?:©|\(c\)|copyright\b)", COPYRIGHT),
            (r"\ball rights reserved\b", COPYRIGHT),
            (
                (
                    r"^\(?(?:additional )?(?:reporting|writing|editing|compiled) by\b.*"
                    r"(?:;|\bediting by\b|\)$)"
                ),
                CREDITS,
            ),
            (r"^\(?(?:reporting|writing|editing) by [^.]{2,80}\)?$", CREDITS),
            (r"\((?:ap|afp|reuters|getty|[\w .]{2,30}) photo(?:s)?(?:/| by )[^)]*\)$", PHOTO),
            (r"\((?:photo|image|picture)s?(?: credit)?\s*:[^)]*\)$", PHOTO),
            (r"^(?:photo|photograph|picture|image|file photo)s?(?: credit)?\s*[:/|]", PHOTO),
            (r"^(?:photo|photograph|picture|image)s? (?:by|courtesy of)\b", PHOTO),
            (r"^image (?:caption|copyright|source)\b", PHOTO),
            (r"^(?:getty images|shutterstock|ap photo|afp photo|reuters photo)\b.{0,40}$", PHOTO),
            (r"\b(?:we|this (?:site|website)) uses? cookies\b", COOKIE),
            (r"^(?:accept|manage|reject)(?: all)? cookies\b", COOKIE),
            (r"\bcookie (?:policy|settings|preferences)\b", COOKIE),
            # A consent dialog's buttons, alone on their line: "Accept & Close", "I agree",
            # "Reject all", "Agree and continue".
            (
                (
                    r"^(?:i )?(?:accept|agree|reject|decline|allow|consent)(?: all| cookies)?"
                    r"(?:\s*(?:&|and)\s*(?:close|continue|proceed))?$"
                ),
                COOKIE,
            ),
            (r"^thanks? (?:you )?for (?:signing up|subscribing|registering)", SUBSCRIBE),
            # "You're all set", "Success! You're now subscribed to ..."
            (
                (
                    r"^(?:(?:success|done|great|welcome)\W{0,3})?you(?:'|’)re (?:now )?"
                    r"(?:all set|subscribed|signed up|registered)\b"
                ),
                SUBSCRIBE,
            ),
            (r"^already (?:a subscriber|a member|have an account|registered)\b", SUBSCRIBE),
            # "Advertisement", "Advertisement · Scroll to continue"
            (
                (
                    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|promoted)"
                    r"(?:\s*[·•|:–—-]\s*(?:scroll|continue)[\w ]{0,30})?$"
                ),
                AD,
            ),
            (r"^(?:story continues|article continues) (?:below|after)", AD),
            (r"^(?:listen|watch) live\b", SHARE),
            (r"^listen to (?:this|the) (?:article|story)\b", SHARE),
            (r"^\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}$", SHARE),
            (
                r"^click to (?:email|share|print|open|tweet|post)\b|\(opens in (?:a )?new window\)",
                SHARE,
            ),
            (r"^skip to (?:main )?(?:content|navigation)\b", TOP),
            (r"^[×✕✖]\s*close\b", TOP),  # a pop-up's close button
            (r"^(?:[\w&'’][\w&'’ ]{0,24}\s*[|•·]\s*){2,}[\w&'’ ]{1,25}$", TOP),
            (r"^follow\b.{1,40}\bon (?:social media|twitter|facebook|instagram|x|tiktok)\b", SHARE),
            (r"\bphoto(?:graph)?s? by [A-Z][\w.'’ \-]{1,40}\s*[/|]\s*[\w .\-]{1,40}$", PHOTO),
            (r"\bphoto(?:graph)?s?:\s*[A-Z][\w.'’ \-]{1,40}/[\w .\-]{1,40}$", PHOTO),
            (
                (
                    r"^(?=.*[a-z])(?:(?:share|shares|tweet|email|e-mail|print|facebook|twitter|x|whatsapp|linkedin|"
                    r"reddit|pinterest|copy link|save|comments?|share this(?: article| story)?|"
                    r"on|via|\d+)\W*){1,12}$"
                ),
                SHARE,
            ),
            (r"\btweet location\b|\blocation information to your tweets\b", SOCIAL),
            (
                r"\btranscripts? (?:is|are|was|were|may be) (?:created|produced|provided|not)|\brush transcript\b",
                CREDITS,
            ),
            # "This transcript provided by ... on a rush deadline and may be revised."
            (
                r"^this transcript (?:was |is |has been )?(?:created|produced|provided|prepared)\b",
                CREDITS,
            ),
            (r"\btranscripts?\b.{0,80}\b(?:rush deadline|final form|may be revised)\b", CREDITS),
            # "Transcript provided by NPR, Copyright NPR."
            (r"^transcripts? (?:provided|produced|created|prepared) by\b.{0,80}$", CREDITS),
        )
    )
    # Chrome vocabulary that only counts on short lines or lines that talk to the reader,
    # so a story sentence that mentions subscribers or a newsletter is never dropped.
    weak: tuple[tuple[str, str], ...] = field(
        default=(
            (
                (
                    r"\b(?:sign up|subscribe|subscription|newsletters?|inbox|log ?in|sign in|"
                    r"create (?:an|a free) account|already (?:a subscriber|have an account)|"
                    r"unlimited (?:access|digital)|free trial|register (?:now|for free))\b"
                ),
                SUBSCRIBE,
            ),
            (r"\b(?:download|get) (?:our|the) (?:\w+ )?app\b", SUBSCRIBE),
            # "Get the Courier Morning Briefing", "Sign up for our breaking news alerts"
            (
                (
                    r"^(?:get|receive|sign up for|subscribe to|join)\b.{0,60}"
                    r"\b(?:newsletter|briefing|bulletin|digest|alerts|podcast)s?\b"
                ),
                SUBSCRIBE,
            ),
            (r"^(?:listen|subscribe) to\b.{0,60}\bpodcasts?\b", SHARE),
            # A call for readers' tips or stories, said to "you": "Have you had a problem?
            # Tell us at our tips page." ("Countries contact us to ..." is story text.)
            (
                (
                    r"^(?=.*\byou(?:r|'re|’re)?\b).*\b(?:tell us|send us|contact us|get in touch|"
                    r"email us|tips? page|hear from you)\b"
                ),
                CALLOUT,
            ),
            (
                (
                    r"\b(?:share|tweet|email|print|comments?|facebook|twitter|whatsapp|linkedin|"
                    r"reddit|copy link|save article|gift (?:this )?article|play video|watch video|"
                    r"autoplay|video player|now playing|up next|click here)\b"
                ),
                SHARE,
            ),
            (
                (
                    r"\b(?:follow us|follow (?:him|her|them) on|contact (?:him|her|the author)|"
                    r"email (?:him|her))\b"
                ),
                BIO,
            ),
        )
    )
    # Headers that open a list of other stories' headlines.
    related_header: str = (
        r"^(?:read more|related(?: stories| articles| coverage| content| links)?|"
        r"more from [\w .&'’]+|more on this story|more stories|most read|most popular|"
        r"most viewed|popular now|trending(?: now)?|you may also like|you might also like|"
        r"recommended(?: for you)?|also read|see also|read next|top stories|latest news|"
        r"what to read next|more coverage|editor'?s picks)\b[^.]{0,40}$"
    )
    byline: str = (
        r"^(?i:written |reported |story )?by\s+((?:[A-Z][\w.'’\-]*\s?){1,4}"
        r"(?:(?:,\s*| and | & )(?:[A-Z][\w.'’\-]*\s?){1,4})*)"
        r"(?:\s*[,|/–—-]\s*(.{2,60})| of (?:the )?(.{2,60}))?$"
    )
    bio: str = (
        r"^(?:[A-Z][\w.'’\-]+ ){1,3}(?:is|was|has been) (?:an? |the )?(?:[\w'’\-]+ ){0,5}"
        r"(?:reporter|correspondent|writer|editor|journalist|columnist|producer|"
        r"contributor|photographer|host|anchor|intern|fellow)\b"
    )
    date: str = (
        # A time before the date only with a comma after it: "00:01, 16 March 2026".
        r"(?:(?P<hour0>\d{1,2})[:.](?P<minute0>\d{2})\s*(?P<ampm0>[ap]\.?m\.?)?,\s*)?"
        r"(?:(?:" + _WEEKDAYS + r")\.?,?\s+)?"
        r"(?:(?P<month>" + _MONTHS + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
        r"|(?P<day2>\d{1,2})\s+(?P<month2>" + _MONTHS + r")\.?,?\s+(?P<year2>\d{4})"
        r"|(?P<iso>\d{4}-\d{2}-\d{2})"
        r"|(?P<num1>\d{1,2})/(?P<num2>\d{1,2})/(?P<numyear>\d{4}))"
        r"(?:(?:,|\s+at|\s*[-–|·•])?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
        r"\s*(?P<ampm>[ap]\.?m\.?)?"
        # A zone after the time, in capitals only ("CET", "GMT+1"): "est" is a word.
        r"(?:\s*(?P<zone>(?-i:(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[A-Z]{1,4}T|Z|MSK))"
        r"(?![\w+]))?)?"
    )
    # Chrome that talks to the reader in the imperative: "Download ...", "Sign in to ...",
    # "Unlock unlimited access ...". Story text rarely opens with these verbs, and the
    # line must still match a ``weak`` pattern to go.
    imperative: str = r"^(?:download|get|sign|subscribe|listen|unlock|register|join|install|log)\b"
    date_prefix: str = r"^(?:published|updated|posted|last updated|first published|modified)\b:?"
    turn_label: str = (
        r"^((?:[A-Z][A-Z.'’\-]*|#\d+)(?: (?:[A-Z][A-Z.'’\-]*|#\d+)){0,4}"
        r"(?:, [A-Z][A-Za-z.'’\- ]{1,40})?(?: \([A-Za-z ]+\))?):(?:\s|$)"
    )

    @cached_property
    def strong_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        """``strong`` compiled, case-insensitive except for the upper-case stage direction."""
        compiled = []
        for pattern, reason in self.strong:
            flags = 0 if pattern.startswith(r"^[(\[][A-Z]") else re.IGNORECASE
            compiled.append((re.compile(pattern, flags), reason))
        return tuple(compiled)

    @cached_property
    def strong_screen(self) -> Screen:
        """:attr:`strong_patterns` screened by the literal text their matches hold."""
        return Screen.of(pattern for pattern, _ in self.strong_patterns)

    @cached_property
    def weak_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        """``weak`` compiled."""
        return tuple((re.compile(p, re.IGNORECASE), r) for p, r in self.weak)

    @cached_property
    def related_re(self) -> re.Pattern[str]:
        """``related_header`` compiled."""
        return re.compile(self.related_header, re.IGNORECASE)

    @cached_property
    def byline_re(self) -> re.Pattern[str]:
        """``byline`` compiled (the leading "By" in any case)."""
        return re.compile(self.byline.replace("by\\s+", "[Bb][Yy]\\s+"))

    @cached_property
    def bio_re(self) -> re.Pattern[str]:
        """``bio`` compiled."""
        return re.compile(self.bio)

    @cached_property
    def date_re(self) -> re.Pattern[str]:
        """``date`` compiled."""
        return re.compile(self.date, re.IGNORECASE)

    @cached_property
    def imperative_re(self) -> re.Pattern[str]:
        """``imperative`` compiled, case-insensitive."""
        return re.compile(self.imperative, re.IGNORECASE)

    @cached_property
    def date_prefix_re(self) -> re.Pattern[str]:
        """``date_prefix`` compiled."""
        return re.compile(self.date_prefix, re.IGNORECASE)

    @cached_property
    def turn_re(self) -> re.Pattern[str]:
        """``turn_label`` compiled."""
        return re.compile(self.turn_label)


@cache
def shared_rules() -> Rules:
    """One :class:`Rules` for the process: it holds no per-article state, so its compiled
    patterns are built once, not once per article."""
    return Rules()
