"""Alignment: group the sentences of different sources that state the same fact.

Every sentence ends up in exactly one :class:`~storyweave.model.Fact`; a fact that only
one source states is still a fact (single-source). A fact never holds two sentences of
the same source, so its support is simply its number of sentences.

How groups form (greedy average linkage under a one-sentence-per-source constraint):

1. Cosine similarities of all sentence pairs (the vectors are unit rows, so a matrix
   product). Candidate links join sentences of *different* sources whose similarity is
   at least ``threshold``; sentences under :data:`MIN_LINK_WORDS` words never link.
2. Candidates are taken strongest first. Two groups merge only when (a) they share no
   source and (b) their *average* pairwise similarity is still at least ``threshold``.

Why average linkage and not single linkage (connected components): single linkage
chains "A ~ B ~ C" into one fact even when A and C say different things, which in a news
story happens all the time (casualty figure ~ casualty figure with place ~ place
description). Average linkage lets a group grow only while the newcomer agrees with the
group as a whole. Complete linkage (every pair above threshold) was too strict for the
case the divergence stage needs most: the same fact told with different numbers.

Sources that carry the same text (one wire story in several outlets, successive versions
of it) are grouped too (:func:`copy_groups`): a fact that only such a group states is one
report, not independent agreement.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .model import CopyGroup, CopyLink, Fact, Sentence, Source
from .nlp.sentences import is_claim, stands_alone

#: Sentences shorter than this many words stand alone: "He said." or "No one was hurt."
#: carry too little to match reliably, and a false link puts words in a source's mouth.
MIN_LINK_WORDS = 5
#: Centrality is rounded so that the fact order (and the briefing's JSON) cannot change
#: with the last bits of a float sum.
CENTRALITY_DECIMALS = 6
#: Candidate links tested at once against the groups as they stand (a speed setting only:
#: the groups come out the same for any value; 4096 was fastest at 200 articles).
LINK_BATCH = 4096
#: Rows of the similarity matrix searched at once for candidate links (speed only).
ROW_BAND = 512
#: A source is a copy of another when at least this share of its sentences (those of
#: :data:`MIN_LINK_WORDS` words or more) are near-identical to sentences of the other: then
#: most of its text is the other's. The shares do not split cleanly: of the DUC 2004 pairs
#: of sources with 3+ identical sentences, 73 share half or more of one source, 38 between
#: 10% and 50% (a later version that adds its own reporting stays a report of its own).
COPY_SHARE = 0.5
#: ... and at least this many sentences: two shared stock lines make no copy.
MIN_COPY_SENTENCES = 3
#: Two sentences this similar (cosine) are one text: the same words, or a version with a
#: word or a figure changed or moved. Measured on DUC 2004: every pair of sources found by
#: identical text (lower-case words) is found at 0.95 with minilm and static-learned, and
#: 20-22 more pairs, each an edited version (the groups come out the same for both models).
COPY_COSINE = 0.95


def similarity_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarities of all pairs of unit ``vectors`` (one row each), as float32.

    Computed once per briefing: alignment groups with it and the divergence finders read it.
    """
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.shape[1] > matrix.shape[0]:
        # Hashed lexical vectors are wide and mostly zero; columns no sentence uses add
        # nothing to a dot product, and dropping them made the product ~3x cheaper.
        matrix = matrix[:, np.flatnonzero(matrix.any(axis=0))]
    return matrix @ matrix.T


def align(
    sentences: Sequence[Sentence], similarity: np.ndarray, *, threshold: float
) -> tuple[Fact, ...]:
    """Group ``sentences`` into facts, using their cosine ``similarity`` matrix
    (:func:`similarity_matrix` of their unit vectors).

    ``threshold`` is the cosine a link needs (the embedder's ``default_threshold`` unless
    the user set ``BriefOptions.similarity``).

    Fact ids are ``"f1"``, ``"f2"``, ... ordered by support (number of sources, most
    first), then centrality (highest first), then the position of the fact's earliest
    sentence. ``sentence_ids`` start with the representative, then follow source order;
    ``source_ids`` are in source-number order (``s2`` before ``s10``).

    ``centrality`` is LexRank-style degree: the representative's mean cosine to every
    other sentence of the story, negatives counted as zero. A fact that the whole story
    keeps circling back to scores high; a stray aside scores low.

    Example::

        vectors = embedder.encode([s.text for s in sentences])
        facts = align(sentences, similarity_matrix(vectors),
                      threshold=embedder.default_threshold)
    """
    n = len(sentences)
    if similarity.shape != (n, n):
        raise ValueError(f"{n} sentences but a {similarity.shape} similarity matrix")
    if n == 0:
        return ()
    return facts_of_groups(sentences, similarity, _group(sentences, similarity, threshold))


def facts_of_groups(
    sentences: Sequence[Sentence],
    similarity: np.ndarray,
    groups: Sequence[list[int]],
    before: Sequence[Fact] = (),
) -> tuple[Fact, ...]:
    """Facts from groups of sentence indices (every sentence in exactly one group), numbered
    and ordered as :func:`align` does; the divergence stage uses it to take a sentence out
    of a fact it no longer agrees with. ``before`` are earlier facts of the same
    ``sentences`` and ``similarity``: a group that was one of them keeps its representative
    and centrality without computing them again (they would come out the same)."""
    order_keys = [_position(s) for s in sentences]
    members = [sorted(group, key=order_keys.__getitem__) for group in groups]
    known: dict[frozenset[int], tuple[int, float]] = {}
    if before:
        row = {s.id: i for i, s in enumerate(sentences)}
        known = {
            frozenset(row[i] for i in fact.sentence_ids): (row[fact.representative], fact.centrality)
            for fact in before
        }
    earlier = [known.get(frozenset(group)) for group in members] if known else [None] * len(members)
    representatives = [
        found[0] if found is not None else _representative(group, sentences, similarity)
        for group, found in zip(members, earlier, strict=True)
    ]
    new = [k for k, found in enumerate(earlier) if found is None]
    computed = iter(_centralities(similarity, [representatives[k] for k in new], len(sentences)))
    centralities = [
        found[1] if found is not None else next(computed) for found in earlier
    ]
    ranked = sorted(
        range(len(members)),
        key=lambda k: (-len(members[k]), -centralities[k], order_keys[members[k][0]]),
    )
    facts = []
    for number, k in enumerate(ranked, start=1):
        by_source, representative = members[k], representatives[k]
        ordered = [representative] + [i for i in by_source if i != representative]
        facts.append(
            Fact(
                id=f"f{number}",
                text=sentences[representative].text,
                representative=sentences[representative].id,
                sentence_ids=tuple(sentences[i].id for i in ordered),
                source_ids=tuple(sentences[i].source_id for i in by_source),
                centrality=centralities[k],
                claim=is_claim(sentences[representative].text),
            )
        )
    return tuple(facts)


def _group(
    sentences: Sequence[Sentence], similarity: np.ndarray, threshold: float
) -> list[list[int]]:
    """Greedy average-linkage grouping; returns lists of sentence indices."""
    n = len(sentences)
    linkable = _linkable(sentences)
    source_codes = np.unique(np.array([s.source_id for s in sentences]), return_inverse=True)[1]
    left, right = _candidate_links(similarity, threshold, linkable, source_codes)

    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # A group's sources as a bit set (bit k: source code k): most candidate links join two
    # groups that already share a source, and one AND of two ints tells.
    group_sources = [1 << int(code) for code in source_codes]
    # The same state as arrays, to drop such links a batch at a time (below).
    group_array = np.arange(n)
    source_bits = _source_bits(source_codes)
    # Two groups that failed the average stay failed until one of them grows: a pair of
    # groups is judged once per version (bumped on every merge) however many links join them.
    version = [0] * n
    failed: set[tuple[int, int, int, int]] = set()
    for start in range(0, len(left), LINK_BATCH):
        firsts, seconds = left[start : start + LINK_BATCH], right[start : start + LINK_BATCH]
        # A link whose two groups are one group or share a source can never join them: groups
        # only grow. Most links are such by the time they come up; testing them all at once
        # against the groups as they stand at the batch's start leaves the rest to the loop,
        # which tests them again against the groups as they stand then.
        first_groups, second_groups = group_array[firsts], group_array[seconds]
        open_ = first_groups != second_groups
        open_ &= ~(source_bits[first_groups] & source_bits[second_groups]).any(axis=1)
        for first, second in zip(firsts[open_].tolist(), seconds[open_].tolist()):
            a, b = group_of[first], group_of[second]
            if a == b or group_sources[a] & group_sources[b]:
                continue
            # Two lone sentences: their average is their link, over the threshold already.
            # A lone sentence and a group: one row of the matrix (the same values and the
            # same mean as the block). Otherwise the block of the two groups.
            if len(members[a]) > 1 or len(members[b]) > 1:
                judged = (a, version[a], b, version[b])  # in this order: a block's mean
                # depends on its orientation in the last bits
                if judged in failed:
                    continue
                if len(members[a]) == 1:
                    block = similarity[members[a][0], members[b]]
                elif len(members[b]) == 1:
                    block = similarity[members[a], members[b][0]]
                else:
                    block = similarity[np.array(members[a])[:, None], members[b]]
                if _mean(block) < threshold:
                    failed.add(judged)
                    continue
            keep, gone = min(a, b), max(a, b)
            for member in members[gone]:
                group_of[member] = keep
            group_array[members[gone]] = keep
            members[keep].extend(members.pop(gone))
            group_sources[keep] |= group_sources[gone]
            source_bits[keep] |= source_bits[gone]
            version[keep] += 1
    return [sorted(group) for _, group in sorted(members.items())]


def _linkable(sentences: Sequence[Sentence]) -> np.ndarray:
    """Which sentences may join another's fact: those of :data:`MIN_LINK_WORDS` words or
    more (shorter ones stand alone)."""
    return np.array([len(s.text.split()) >= MIN_LINK_WORDS for s in sentences], dtype=bool)


def _candidate_links(
    similarity: np.ndarray, threshold: float, linkable: np.ndarray, source_codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate links as two index arrays (``left[k] < right[k]``), strongest first.

    A link joins two linkable sentences of different sources at ``threshold`` or more. The
    pairs over the threshold are few (~2.5% at 200 articles): each band of rows is searched
    right of the diagonal only, which halves the matrix read.
    """
    n = len(similarity)
    lefts, rights = [], []
    for top in range(0, n, ROW_BAND):
        rows, columns = np.nonzero(similarity[top : top + ROW_BAND, top:] >= threshold)
        rows += top
        columns += top
        keep = (rows < columns) & linkable[rows] & linkable[columns]
        keep &= source_codes[rows] != source_codes[columns]
        lefts.append(rows[keep])
        rights.append(columns[keep])
    left = np.concatenate(lefts) if lefts else np.zeros(0, dtype=np.intp)
    right = np.concatenate(rights) if rights else np.zeros(0, dtype=np.intp)
    # The pairs come in row-major order, so a stable sort on strength alone breaks ties
    # by position: the result never depends on sort luck.
    order = np.argsort(-similarity[left, right], kind="stable")
    return left[order], right[order]


def _source_bits(source_codes: np.ndarray) -> np.ndarray:
    """One row per sentence: its source as a bit set (bit k: source code k), packed in bytes."""
    count = int(source_codes.max()) + 1 if len(source_codes) else 1
    sources = np.zeros((len(source_codes), count), dtype=bool)
    sources[np.arange(len(source_codes)), source_codes] = True
    return np.packbits(sources, axis=1)


def _mean(block: np.ndarray) -> np.floating:
    """``block.mean()`` to the last bit (the same float32 sum, divided as numpy divides it),
    without the Python overhead of ``ndarray.mean``: the grouping loop takes ~30,000 means."""
    return np.float32(float(np.add.reduce(block, axis=None)) / block.size)


def _representative(
    by_source: list[int], sentences: Sequence[Sentence], similarity: np.ndarray
) -> int:
    """The member that shows a group (its indices in source order)."""
    if len(by_source) == 1:
        return by_source[0]
    block = similarity[np.ix_(by_source, by_source)]
    # Mean similarity to the *other* members: drop the diagonal's 1.0.
    mean_to_others = (block.sum(axis=1) - np.diag(block)) / (len(by_source) - 1)
    # Round so that float noise cannot pick a later sentence over an earlier tie.
    scores = np.round(mean_to_others, CENTRALITY_DECIMALS)
    # A fact is shown by its representative: prefer a member that states something
    # (not a host's question) and reads on its own (not half of a split quotation),
    # whatever their similarity.
    scores = scores + np.array(
        [2 * is_claim(sentences[i].text) + stands_alone(sentences[i].text) for i in by_source]
    )
    return by_source[int(np.argmax(scores))]  # argmax keeps the first tie


def _centralities(similarity: np.ndarray, rows: list[int], n: int) -> list[float]:
    """Per row of ``rows``: its mean cosine to the other ``n - 1`` sentences, negatives as
    zero, rounded. Rows are summed a band at a time (numpy sums each row of a band as it
    sums the row alone, so the figures are the same to the last bit)."""
    if n <= 1:
        return [0.0] * len(rows)
    found: list[float] = []
    for start in range(0, len(rows), ROW_BAND):
        band = rows[start : start + ROW_BAND]
        block = np.clip(similarity[band], 0.0, None)
        own = block[np.arange(len(band)), band]
        found += ((block.sum(axis=1) - own) / (n - 1)).tolist()
    return [round(value, CENTRALITY_DECIMALS) for value in found]


def _position(sentence: Sentence) -> tuple[int, str, int]:
    """Sort key: source number (numerically, so s2 < s10), then sentence index."""
    digits = sentence.source_id.lstrip("s")
    return (int(digits) if digits.isdigit() else 0, sentence.source_id, sentence.index)


def copy_groups(
    sources: Sequence[Source], facts: Sequence[Fact], similarity: np.ndarray
) -> tuple[CopyGroup, ...]:
    """Sources that carry the same text, grouped: wire copies and versions of one story.

    ``facts`` are :func:`align`'s of the sources' sentences, ``similarity`` their cosine
    matrix in source order. A sentence of :data:`MIN_LINK_WORDS` words or more is carried
    by another source when one of that source's sentences in its fact is near-identical
    (:data:`COPY_COSINE`: the same words, or a version with a word changed; alignment
    joins such a pair first, as its strongest links). A source is a copy of another when
    at least :data:`COPY_SHARE` of its sentences are carried by the other, and at least
    :data:`MIN_COPY_SENTENCES` each way. Sources linked by a chain of copies form one group.

    Cost: the cosines within each fact told by two sources or more (the whole matrix is
    not read again).
    """
    sentences = [s for source in sources for s in source.sentences]
    n = len(sentences)
    if similarity.shape != (n, n):
        raise ValueError(f"{n} sentences but a {similarity.shape} similarity matrix")
    row = {s.id: i for i, s in enumerate(sentences)}
    source_of = np.repeat(np.arange(len(sources)), [len(s.sentences) for s in sources])
    linkable = _linkable(sentences)
    counted = np.bincount(source_of[linkable], minlength=len(sources))
    # Each near-identical pair of sentences of two sources, as (sentence, other source)
    # from each side; a sentence with several copies in one source counts once.
    carried = []
    for fact in facts:
        if len(set(fact.source_ids)) < 2:
            continue
        members = np.array([row[i] for i in fact.sentence_ids])
        members = members[linkable[members]]
        near = similarity[np.ix_(members, members)] >= COPY_COSINE
        a, b = np.nonzero(near)
        a, b = members[a], members[b]
        keep = source_of[a] != source_of[b]
        carried.append(a[keep] * len(sources) + source_of[b[keep]])
    if not carried:
        return ()
    sentence, other = np.divmod(np.unique(np.concatenate(carried)), len(sources))
    shared = np.zeros((len(sources), len(sources)), dtype=np.int64)
    np.add.at(shared, (source_of[sentence], other), 1)  # row source's sentences in column's
    share = shared / np.maximum(counted, 1)[:, None]
    links: list[CopyLink] = []
    enough = (shared >= MIN_COPY_SENTENCES) & (shared.T >= MIN_COPY_SENTENCES)
    for a, b in zip(*np.nonzero(np.triu(enough)), strict=True):
        # The copy is the source more of whose text the other holds (the later on a tie).
        copy, of = (a, b) if share[a, b] > share[b, a] else (b, a)
        if share[copy, of] >= COPY_SHARE:
            links.append(
                CopyLink(sources[copy].id, sources[of].id, int(shared[copy, of]), int(counted[copy]))
            )
    return _linked_groups(sources, links)


def _linked_groups(sources: Sequence[Source], links: Sequence[CopyLink]) -> tuple[CopyGroup, ...]:
    """The sources joined by chains of ``links``, each group with its links, in source order."""
    root = {s.id: s.id for s in sources}

    def find(source_id: str) -> str:
        while root[source_id] != source_id:
            source_id = root[source_id]
        return source_id

    for link in links:
        root[find(link.source_id)] = find(link.of)
    members: dict[str, list[str]] = {}
    for source in sources:  # in source order
        members.setdefault(find(source.id), []).append(source.id)
    groups = [ids for ids in members.values() if len(ids) > 1]
    return tuple(
        CopyGroup(tuple(ids), tuple(link for link in links if link.source_id in ids))
        for ids in groups
    )
