"""``/docs`` works offline: every file it needs comes from the server (issue 16, item 4)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")
httpx = pytest.importorskip("httpx", reason="httpx is not installed: pip install -e '.[test]'")

from storyweave.options import BriefOptions
from storyweave.web import docs as docs_module
from storyweave.web.app import create_app

pytestmark = pytest.mark.anyio
FAST = BriefOptions(model="lexical")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_docs_page_loads_swagger_ui_from_this_server_only() -> None:
    if docs_module.swagger_ui_folder() is None:
        pytest.skip("swagger-ui-bundle-v2 is not installed: pip install -e '.[web]'")
    async with client(create_app(FAST)) as http:
        page = await http.get("/docs")
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["content-security-policy"]
        urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert "/docs/assets/swagger-ui-bundle.js" in urls and "/static/docs.js" in urls
        for url in urls:
            assert url.startswith(("/", "data:")), f"{url} is not on this server"
            if url.startswith("/") and not url.endswith(".json"):
                assert (await http.get(url)).status_code == 200, url
        assert "<script>" not in page.text  # no inline script: the CSP forbids it
        assert (await http.get("/redoc")).status_code == 404  # FastAPI's would load a CDN
        spec = (await http.get("/openapi.json")).json()
        assert "/api/briefings" in spec["paths"]


async def test_docs_without_the_package_is_a_plain_page_of_the_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(docs_module, "swagger_ui_folder", lambda: None)
    async with client(create_app(FAST)) as http:
        page = await http.get("/docs")
        assert page.status_code == 200
        assert "<script" not in page.text
        assert "<code>POST /api/briefings</code>" in page.text
        assert "Brief the given articles and URLs as one story" in page.text
