"""Stories: which articles tell the same story.

* :mod:`.clustering` incremental story clustering of a stream of articles (the monitoring
  store's), from each article's lead vector, names, time and language;
* :mod:`.check` the one-story check every briefing runs on its own inputs;
* :mod:`.titles` a story's title: the best headline of its articles.
"""

from .check import check_story
from .titles import best_title

__all__ = ["best_title", "check_story"]
