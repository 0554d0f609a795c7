"""What every kiosk screen shares: a message line, a spoken prompt in elder mode, a reset
that forgets what the last person entered, and pages of big choice buttons."""
from __future__ import annotations

from typing import Callable

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from .flow import page_of


class KioskScreen(Screen):
    message = StringProperty("")  # plain Chinese: what went wrong and what to do
    good_news = BooleanProperty(False)  # the message says something is well again: not in the error colour
    prompt = ""  # said aloud on entering, in elder mode

    def on_message(self, *_args) -> None:
        self.good_news = False  # any new message is a problem unless tell_good_news says otherwise

    def tell_good_news(self, text: str) -> None:
        self.message = text
        self.good_news = True

    @property
    def app(self):
        return App.get_running_app()

    def on_pre_enter(self, *args) -> None:
        self.message = ""
        self.refresh()

    def on_enter(self, *args) -> None:
        if self.prompt:
            self.app.say(self.spoken_prompt())

    def spoken_prompt(self) -> str:
        return self.prompt

    def refresh(self) -> None:
        """Fill the screen from app.flow and app.catalog (again after a mode or size change)."""

    def reset(self) -> None:
        """Forget everything the last person entered here."""
        self.message = ""


class PagedChoices(KioskScreen):
    """A grid of choice buttons, per_page at a time (fewer in elder mode), with page buttons."""

    page = NumericProperty(0)
    pages = NumericProperty(1)
    page_text = StringProperty("")

    def choices(self) -> list[tuple[str, Callable[[], None]]]:
        """(label, action) for every choice, in order."""
        return []

    def per_page(self) -> int:
        sz = self.app.sz
        return sz.per_page if self.app.portrait or not sz.elder else 2  # a landscape screen is short

    def refresh(self) -> None:
        grid = self.ids.grid
        grid.clear_widgets()
        shown, self.page, self.pages = page_of(self.choices(), self.page, self.per_page())
        for label, action in shown:
            button = Factory.ChoiceButton(text=label)
            button.bind(on_release=lambda _b, act=action: act())
            grid.add_widget(button)
        for _ in range(self.per_page() - len(shown)):  # keep the buttons the same size on the last page
            grid.add_widget(Factory.Widget())
        self.page_text = f"{self.page + 1} / {self.pages}" if self.pages > 1 else ""

    def turn(self, delta: int) -> None:
        self.page += delta
        self.refresh()

    def reset(self) -> None:
        super().reset()
        self.page = 0
