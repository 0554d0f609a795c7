"""What a hall server leaves to the centre: its catalogue (matters, windows, staff) is set there."""
from __future__ import annotations

from fastapi.responses import HTMLResponse

SET_AT_CENTRE = "本机是厅内服务器：事项、队列、窗口和人员由中心服务器设置，请在中心服务器的督查页面修改，改动会自动传到本厅。"
_CATALOGUE_FORMS = ("/supervisor/setup", "/supervisor/staff")


class CatalogueAtCentre:
    """Plain ASGI middleware: a change to the catalogue sent to a hall server is refused in plain
    Chinese (the centre's next batch would overwrite it, or it would never reach the centre)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if (scope["type"] == "http" and scope["method"] == "POST"
                and scope["path"].startswith(_CATALOGUE_FORMS)):
            page = HTMLResponse(f"<!doctype html><html lang='zh'><meta charset='utf-8'><title>请在中心服务器修改</title>"
                                f"<p style='font-size:24px'>{SET_AT_CENTRE}</p><p><a href='/supervisor/'>返回</a></p>",
                                status_code=409)
            await page(scope, receive, send)
            return
        await self.app(scope, receive, send)
