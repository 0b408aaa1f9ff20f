#!/usr/bin/env python3
"""Writes the search data of one built book: BOOK_DIR/searchdata.js.

mdBook's own search index splits text at spaces and punctuation, so a Chinese sentence (no spaces)
becomes one "word" and a search for 臨時埠 finds nothing. This index keeps the plain text of every
section (a page cut at its headings) and the search page (search.html, book-search.js) matches the
query as a substring: every space-separated term must occur in the section. That works for Chinese
and English alike, needs no word segmentation, and the data is a plain script, so search works
offline, from file://, and on a clean clone.

    python3 scripts/book-search-index.py book/build
    python3 scripts/book-search-index.py book/build/zh-TW
"""
import html.parser
import json
import pathlib
import sys

SKIP_PAGES = {"print.html", "404.html", "search.html", "toc.html"}


class Sections(html.parser.HTMLParser):
    """Text of <main>, cut into sections at h1/h2/h3 (each with mdBook's heading id)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0  # inside <script>, <style> or an HTML comment-like block
        self.heading = None  # collecting a heading's text
        self.sections = []  # [id, title, [text parts]]

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        if not self.in_main:
            return
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("h1", "h2", "h3"):
            self.heading = [dict(attrs).get("id", ""), []]
        elif tag in ("p", "li", "tr", "pre", "br", "div"):
            self._text(" ")

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if not self.in_main:
            return
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag in ("h1", "h2", "h3") and self.heading is not None:
            hid, parts = self.heading
            self.sections.append([hid, "".join(parts).strip(), []])
            self.heading = None

    def handle_data(self, data):
        if self.in_main and not self.skip:
            if self.heading is not None:
                self.heading[1].append(data)
            else:
                self._text(data)

    def _text(self, s):
        if not self.sections:
            self.sections.append(["", "", []])
        self.sections[-1][2].append(s)


def main(book_dir):
    book = pathlib.Path(book_dir)
    records = []
    for page in sorted(book.glob("*.html")):
        if page.name in SKIP_PAGES:
            continue
        p = Sections()
        p.feed(page.read_text(encoding="utf-8"))
        page_title = next((t for _, t, _ in p.sections if t), page.stem)
        for hid, title, parts in p.sections:
            text = " ".join("".join(parts).split())
            if not text and not title:
                continue
            url = page.name + (f"#{hid}" if hid else "")
            shown = page_title if title in ("", page_title) else f"{page_title} › {title}"
            records.append({"url": url, "title": shown, "text": text})
    data = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    (book / "searchdata.js").write_text(f"window.BOOK_SEARCH = {data};\n", encoding="utf-8")
    print(f"{book / 'searchdata.js'}: {len(records)} sections")


if __name__ == "__main__":
    for d in sys.argv[1:]:
        main(d)
