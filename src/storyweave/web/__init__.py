"""The web face: the HTML page and the JSON HTTP API (``storyweave serve``).

* :mod:`.app`    :func:`~storyweave.web.app.create_app`, the FastAPI app and its routes;
* :mod:`.intake` a request's pasted texts, uploads and URLs -> articles -> a briefing;
* :mod:`.pages`  the form, briefing and error pages;
* :mod:`.cache`  briefings kept for their links.

``static/`` holds the page's stylesheet and its one small script, served by the app (no
build step). Needs the ``web`` extra.
"""
