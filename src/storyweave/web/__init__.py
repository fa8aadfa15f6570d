"""The web server's parts: the form and briefing pages, request intake, briefing storage.

The app itself is :func:`storyweave.server.create_app`; ``static/`` holds the page's
stylesheet and its one small script, served by the app (no build step).
"""
