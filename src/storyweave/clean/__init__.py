"""The cleaning stage: raw article -> story paragraphs, header metadata and a removal report.

* :mod:`.lines`  the line-by-line cleaner (:func:`clean`) and cluster-wide line counts;
* :mod:`.rules`  the patterns and vocabulary of site chrome, and the shape of a line;
* :mod:`.header` title, outlet, byline and date read from the header lines and HTML.
"""

from .lines import clean, cluster_line_counts, table_rows

__all__ = ["clean", "cluster_line_counts", "table_rows"]
