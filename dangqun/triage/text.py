"""Text preparation for the classifier: clean a citizen message and cut it into words.

Words come from rjieba (jieba-rs, jieba's algorithm and dictionary in Rust): on the contest's 10,438
messages it cuts exactly as jieba's ``lcut(HMM=False)`` does, title by title and message by message,
six times faster and with a dictionary of about 33 MB against jieba's 71 MB (docs/benchmarks.md,
Triage, speed and size). Its dictionary ships inside the wheel (no download) and is loaded on first use.
Long pastes are cut to ``MAX_CHARS`` characters (after the repeated title) so one message cannot stall
intake: the features of a 100,000-character paste are those of its first few hundred characters.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_CHARS = 600  # title + the head of the text carry the topic; a 100,000-character paste costs the same
TITLE_CHARS = 100  # a title longer than this is cut before it is repeated
# The title counted four times: chosen over two (the previous default) by nested cross-validation on
# the contest's messages (docs/benchmarks.md, Triage): the inner folds picked it in every outer fold.
TITLE_WEIGHT = 4

_SPACE = re.compile(r"\s+")
# Masked place names of the board (A市, A3区, A12县) and plain numbers say nothing about the topic.
_NOISE = re.compile(r"[A-Za-z]\d*[市区县]|\d+(?:\.\d+)?")
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def clean(title: str, text: str, title_weight: int = TITLE_WEIGHT) -> str:
    """The title ``title_weight`` times (it names the problem) and the text, whitespace collapsed,
    cut to MAX_CHARS. Inputs are cut before any regular expression runs, so the cost is bounded."""
    title = _SPACE.sub(" ", (title or "")[:TITLE_CHARS]).strip()
    body = _SPACE.sub(" ", (text or "")[: MAX_CHARS * 2]).strip()
    joined = " ".join([title] * title_weight + [body])[:MAX_CHARS]
    return _NOISE.sub(" ", joined)


class Doc(NamedTuple):
    """A message as the classifier reads it: ``message`` is ``clean(title, text)`` (the title repeated,
    then the text, cut); ``title`` is the title alone, cleaned the same way, for the title's own
    feature blocks (a title names the problem in a few words that the long text would dilute)."""

    message: str
    title: str


def prepare(title: str, text: str) -> Doc:
    return Doc(clean(title, text), clean(title, "", title_weight=1))


def phrase_doc(phrase: str) -> Doc:
    """A taxonomy phrase (a category's name or keyword) as a training document: it reads like a title."""
    cleaned = clean(phrase, "", title_weight=1)
    return Doc(cleaned, cleaned)


def tokens(cleaned: str) -> list[str]:
    """Words of a cleaned message: jieba's precise mode without HMM (fast, deterministic); single
    characters other than Chinese and Latin letters dropped."""
    import rjieba  # its dictionary loads on first use, not when a process that never cuts imports us

    words = rjieba.cut(cleaned, hmm=False)
    return [w for w in words if w.strip() and _KEEP.search(w)]
