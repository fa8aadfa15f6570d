"""The cleaning stage: raw article -> story paragraphs, header metadata and a removal report.

* :mod:`.lines`  the line-by-line cleaner (:func:`clean`) and cluster-wide line counts;
* :mod:`.rules`  the patterns and vocabulary of site chrome, and the shape of a line;
* :mod:`.header` title, outlet, byline and date read from the header lines and HTML;
* :mod:`.formats` the readability check, HTML through trafilatura, light markdown;
* :mod:`.model`, :mod:`.features`, :mod:`.title` the learned line classifier of plain-text
  scrapes (its model file ``line_model.json``), its features and its title ranker;
* :mod:`.learned` the classifier and the header reading applied to one text.
"""

from .lines import clean, cluster_line_counts, table_rows

__all__ = ["clean", "cluster_line_counts", "table_rows"]
