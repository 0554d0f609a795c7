"""The 材料 panel of the serve screen: the current ticket's pages (uploaded ones, and captured
ones still waiting in the outbox), each opened large in a viewer."""
from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from kiosk.client import ClientError, ServerUnreachable
from kiosk.ui.common.fonts import font_name_for
from kiosk.ui.common.theme import THEME
from kiosk.ui.common.widgets import ChainButton

from .page_images import pdf_summary, texture_from_bytes

KIND_NAMES = {"image/jpeg": "照片", "image/png": "图片", "application/pdf": "PDF"}


class DocumentsPanel(BoxLayout):
    ticket_id = NumericProperty(0)
    summary = StringProperty("当前没有号码")
    documents: list[dict] = []

    @property
    def app(self):
        return App.get_running_app()

    def show(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        self.documents = []
        self._fill([])
        if not ticket_id:
            self.summary = "当前没有号码"
            return
        self.summary = "正在读取材料…"
        self.reload()

    def reload(self) -> None:
        app, ticket_id = self.app, self.ticket_id
        if not ticket_id or app.helper_api is None:
            return
        api = app.helper_api
        app.background.run(lambda: api.ticket_documents(ticket_id),
                           lambda docs: self._listed(ticket_id, docs), self._failed)

    def _listed(self, ticket_id: int, documents: list[dict]) -> None:
        if ticket_id != self.ticket_id:
            return  # the helper moved on to another ticket meanwhile
        self.documents = documents
        self._show_with_waiting(f"共 {len(documents)} 页" if documents else "尚无材料")

    def _show_with_waiting(self, first: str) -> None:
        """Pages captured here and not yet on the server are shown too: nothing looks lost."""
        waiting = len(self.app.outbox.pending(self.ticket_id))
        self._fill(self.documents, waiting)
        self.summary = first + (f"，{waiting} 页待上传" if waiting else "")

    def _fill(self, documents: list[dict], waiting: int = 0) -> None:
        box = self.ids.pages
        box.clear_widgets()
        for doc in documents:
            button = ChainButton(text=f"第 {doc['page']} 页\n{KIND_NAMES.get(doc['content_type'], '文件')}",
                                 font_size=THEME.text_small, halign="center", size_hint_x=None,
                                 width=THEME.touch * 1.6, background_normal="", background_color=THEME.button,
                                 color=THEME.button_ink)
            button.document_id = doc["id"]
            button.bind(on_release=lambda _b, d=doc: self.open_page(d))
            box.add_widget(button)
        for _ in range(waiting):
            box.add_widget(ChainButton(text="待上传", font_size=THEME.text_small, size_hint_x=None,
                                       width=THEME.touch * 1.6, background_normal="", disabled=True,
                                       background_color=THEME.panel, color=THEME.ink_muted))

    def _failed(self, exc: Exception) -> None:
        self._show_with_waiting("暂时连不上服务器" if isinstance(exc, ServerUnreachable) else
                                exc.message if isinstance(exc, ClientError) else "材料读取失败，请稍后再试")

    def open_page(self, doc: dict) -> None:
        viewer = PageViewer(title=f"第 {doc['page']} 页")
        viewer.open()
        app, api = self.app, self.app.helper_api

        def fetch():
            data, kind = api.document_bytes(doc["id"])
            return data, kind, (pdf_summary(data) if kind == "application/pdf" else None)

        app.background.run(fetch, lambda got: viewer.show(*got),
                           lambda exc: viewer.say(exc.message if isinstance(exc, ClientError) else "材料读取失败"))


ZOOM_STEP = 1.5
MAX_ZOOM = 4.0  # four screen pixels per page pixel: the smallest print of a 2400 px page is large


class PageViewer(Popup):
    """One page, fitted to the window; 放大 and 缩小 (or + and -, or the mouse wheel with Ctrl)
    zoom in steps, and a zoomed page is dragged or scrolled to read small print."""

    note = StringProperty("正在读取…")
    zoom = NumericProperty(0.0)  # screen pixels per page pixel; 0: the whole page fitted to the window
    max_zoom = NumericProperty(MAX_ZOOM)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.title_font = font_name_for(self.title)

    def fit_zoom(self) -> float:
        texture, area = self.ids.image.texture, self.ids.scroller
        if texture is None or not texture.width or not texture.height:
            return 1.0
        return min(area.width / texture.width, area.height / texture.height)

    def shown_zoom(self) -> float:
        return self.zoom or self.fit_zoom()

    def zoom_in(self) -> None:
        if self.ids.image.texture is not None:
            self.zoom = min(self.max_zoom, max(self.shown_zoom() * ZOOM_STEP, self.fit_zoom()))

    def zoom_out(self) -> None:
        smaller = self.shown_zoom() / ZOOM_STEP
        self.zoom = 0.0 if smaller <= self.fit_zoom() * 1.01 else smaller

    def zoom_fit(self) -> None:
        self.zoom = 0.0

    def on_open(self) -> None:
        from kivy.core.window import Window

        Window.bind(on_key_down=self._key)

    def on_dismiss(self) -> None:
        from kivy.core.window import Window

        Window.unbind(on_key_down=self._key)

    def _key(self, _window, key, _scancode, text, _modifiers) -> bool:
        if text in ("+", "=") or key == 270:  # 270: the keypad's +
            self.zoom_in()
            return True
        if text == "-" or key == 269:
            self.zoom_out()
            return True
        return False

    def on_touch_down(self, touch) -> bool:
        wheel = getattr(touch, "button", "") in ("scrollup", "scrolldown")
        if wheel and "ctrl" in getattr(touch, "modifiers", ()) and self.ids.scroller.collide_point(*touch.pos):
            self.zoom_in() if touch.button == "scrolldown" else self.zoom_out()  # Kivy: the wheel turned away is scrolldown
            return True
        return super().on_touch_down(touch)

    def say(self, text: str) -> None:
        self.note = text

    def show(self, data: bytes, kind: str, pdf) -> None:
        if kind in ("image/jpeg", "image/png"):
            self.ids.image.texture = texture_from_bytes(data, "jpg" if kind == "image/jpeg" else "png")
            self.note = ""
            return
        if pdf is None or pdf.pages is None:
            self.note = "PDF 文件（本机无法预览）"
            return
        self.note = f"PDF 文件，共 {pdf.pages} 页" + ("（下图为第 1 页）" if pdf.first_page_png else "")
        if pdf.first_page_png:
            self.ids.image.texture = texture_from_bytes(pdf.first_page_png, "png")


Factory.register("DocumentsPanel", cls=DocumentsPanel)  # used by name in window_serve.kv
