"""The visible text of a page in its own language, for the language crawl (test_languages.py).

What a page shows in another language on purpose is left out: an element marked with a `lang`
of another language (content that exists in one language only, which the page marks as WCAG
3.1.2 asks, with a visible note), the language switcher, code and form values."""

import re
from html.parser import HTMLParser

#: Elements whose text is not read as the page's language.
SKIPPED = {"script", "style", "code", "pre", "textarea", "svg", "template", "noscript"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
#: An English sentence: a capitalised word and at least three more words, ending in . ? or !
ENGLISH_SENTENCE = re.compile(r"\b[A-Z][a-z]+(?:[ ,'’-]+[a-z][a-z’']*){3,}[.?!](?=\s|$)")


class _Text(HTMLParser):
    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        other = bool(lang) and not lang.startswith(self.language[:2])
        switcher = "hreflang" in attrs
        self.stack.append((tag, self._skipping() or tag in SKIPPED or other or switcher))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    """The text of `html`'s <body> that is meant to be in `language` ("zh-hans" or "en")."""
    body = html.split("<body", 1)[-1]
    parser = _Text(language)
    parser.feed(body)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def other_language(text: str, language: str) -> list[str]:
    """Runs of the other language in `text`: Chinese characters on an English page, English
    sentences on a Chinese page."""
    if language.startswith("en"):
        return HAN.findall(text)
    return ENGLISH_SENTENCE.findall(text)
