"""The views stage: the briefing's per-outlet and per-story reading of the aligned facts.

* :mod:`.framing`  each outlet's loaded labels, one-sided hedges and scare quotes;
* :mod:`.outlets`  what each outlet alone reports and what it leaves out;
* :mod:`.timeline` the events in order, dated against each report's publication;
* :mod:`.profiles` the user's outlet file (name, domains, lean and other labels), matched
  to each source;
* :mod:`.sides`    coverage by side and the claims only one side carries (blindspots).
"""
