"""Reading a page the test client got: its text as a reader sees it, and the values its form carries."""

import html
import re


def text(page) -> str:
    """The page's text without tags, entities decoded, runs of white space as one space."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text)))


def hidden(page, name: str) -> str:
    """The value of the page's hidden input `name`."""
    return html.unescape(re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page.text).group(1))


def carried(page) -> dict[str, str]:
    """What an edit form carries from the moment it was opened: the item's version and the fields' fingerprint."""
    return {name: hidden(page, name) for name in ("version", "opened")}
