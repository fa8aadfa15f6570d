"""Extraction scored on real, human-annotated news (``storyweave eval extraction``).

One module per ability, each scoring storyweave and a well-kept library side by side on the
sets in ``shared/data/real_nlp`` exactly as that folder's README describes:
``quotes`` (PolNeAR), ``entities`` (CoNLL-2003), ``dates`` (TempEval-3).
"""
