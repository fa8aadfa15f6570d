"""Reporting verbs: the words news uses to attribute a statement to someone.

One lexicon, shared by the sentence splitter (an attribution after a closing quote stays
in the quote's sentence) and the attribution finder (:mod:`storyweave.nlp.attribution`).
Single words only; every inflection is listed, since news writes them all.
"""

from __future__ import annotations

import re

from .tokens import wordset

#: Verbs of saying, in every form news writes them. They govern quotes and clauses alike.
SPEECH_VERBS = wordset(
    """
    say says said saying tell tells told telling add adds added adding states stated stating
    declare declares declared declaring warn warns warned warning insist insists insisted
    insisting argue argues argued arguing explain explains explained explaining note notes
    noted noting write writes wrote writing tweets tweeted tweeting posts posted ask asks
    asked asking reply replies replied replying respond responds responded responding
    continue continues continued recall recalls recalled recalling acknowledge acknowledges
    acknowledged acknowledging admit admits admitted admitting announce announces announced
    announcing claim claims claimed claiming concede concedes conceded conceding confirm
    confirms confirmed confirming cautions cautioned emphasize emphasizes emphasized
    emphasizing emphasise emphasises emphasised stresses stressed stressing urge urges urged
    urging vows vowed vowing predict predicts predicted predicting observe observes observed
    remark remarks remarked comments commented suggest suggests suggested suggesting testify
    testifies testified shout shouts shouted exclaim exclaimed quip quips quipped counters
    countered agree agrees agreed complain complains complained complaining conclude
    concludes concluded joke jokes joked joking muse mused plead pleads pleaded promises
    promised promising reiterate reiterates reiterated repeat repeats repeated boast boasts
    boasted boasting brag brags bragged charges charged allege alleges alleged demands
    demanded demanding assert asserts asserted asserting contend contends contended maintain
    maintains maintained proclaim proclaims proclaimed pledges pledged threaten threatens
    threatened deny denies denied denying reports reported estimated speculate speculated
    wonder wonders wondered answers answered retort retorted snapped scoff scoffed fume
    fumed thunder thundered lament laments lamented lamenting disclose disclosed reveal
    reveals revealed hinted pointed underscore underscored tout touts touted mutter muttered
    whisper whispered yell yelled scream screamed chanted recount recounted elaborate
    elaborated interject interjected confess confessed grumble grumbled protested objected
    reasoned assure assures assured assuring advise advised preach preached reads opine
    opined press presses pressed pressing bark barked sigh sighed laugh laughed crack
    cracked echo echoes echoed chime chimed gush gushed rave raved marvel marveled
    marvelled gripe griped groan groaned snipe sniped taunt taunted tease teased roar roared
    bellow bellowed implore implored beg begged cry cried summarize summarized summarise
    summarised grouse groused grousing retaliate retaliated fumes
    """
)
#: Verbs that frame quoted words without being verbs of saying ('called the plan
#: "reckless"'): they govern a quote, never a plain clause.
FRAMING_VERBS = wordset(
    """
    calls called calling describe describes described describing dub dubs dubbed labels
    labeled labelled labeling branded brands termed terms characterize characterized
    characterizing praised praising blasts blasted blasting slams slammed slamming criticize
    criticized criticizing criticise criticised accuse accuses accused accusing mocked
    mocking deride derided decry decried denounce denounced denouncing hail hailed laud
    lauded liken likened blame blamed blaming dismiss dismissed dismissing reject rejected
    cite cites cited citing express expresses expressed expressing worry worries worried
    fear fears feared believe believes believed hope hopes hoped think thinks found finds
    recommend recommends recommended condemn condemns condemned condemning
    """
)
#: Verbs of saying that take a clause ("said that ...") and so make an indirect quote.
CLAUSE_VERBS = SPEECH_VERBS & wordset(
    """
    say says said tell tells told add adds added state states stated declare declares
    declared warn warns warned insist insists insisted argue argues argued explain
    explains explained note notes noted write writes wrote tweeted acknowledge
    acknowledges acknowledged admit admits admitted announce announces announced claim
    claims claimed concede concedes conceded confirm confirms confirmed predict predicts
    predicted suggest suggests suggested testified agree agrees agreed complain complained
    conclude concluded promise promises promised reiterate reiterated boast boasted charge
    charged allege alleges alleged assert asserts asserted contend contends contended
    maintain maintains maintained report reports reported estimate estimated recalled
    stressed emphasized emphasised cautioned vowed pledged assured assures denied
    """
)


def word_pattern(words: frozenset[str], not_after: str = "") -> str:
    """A regular expression that matches any of ``words``, written as a prefix tree so
    that matching does not try every word at every position (a flat alternation of a few
    hundred words made the quote stage several times slower).

    ``not_after`` (a character class such as ``[\\w-]``) keeps matches from starting right
    after one of its characters: the same as a leading ``(?<!not_after)``, but tested
    after each word's first letter, so that the pattern starts with a letter and the
    regex engine skips straight to the positions where one of the words' first letters is.
    """
    if not_after and "" in words:
        raise ValueError("not_after needs every word to have a first letter")
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict], guard: bool = False) -> str:
        branches = [
            re.escape(char) + (f"(?<!{not_after}{re.escape(char)})" if guard else "") + pattern(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree, guard=bool(not_after))
