"""Whether a reply only thanks: "Thanks!", "Perfect, thank you so much", "Thanks Ada!\\nBo".

To an email that asked nothing (a thank-you, a confirmation, an anniversary) such a reply
acknowledges it; kept for review it would only be one more line for the coordinator to
clear. Anything more, a question or a word that is neither thanks nor a name, is left to
the reader of the whole reply.
"""

from __future__ import annotations

import re
import unicodedata

from reminder_service.core.replies import lexicon as lx

_THANKS = re.compile(rf"(?:{lx.GRATITUDE}|{lx.CLOSING})")
_NOT_A_NAME = re.compile(lx.NOT_A_NAME)
_SMILEY = re.compile(r"[:;]-?[)(DPp]")
_SENTENCE_END = re.compile(r"[.!;:]+")
_SEPARATORS = re.compile(r"[\s,()~¡¿-]+")
_LONGEST_PHRASE = 4
"""Words in the longest phrase of thanks ("see you next month", "mit freundlichen grussen")."""
_APPROVING_EMOJI = re.compile(
    r"(?:[\U0001F44D\U0001F44C\U0001F64F\u2705\u2764\U0001F642\U0001F60A]\ufe0f?\s*)+"
)
"""A reply of nothing but thumbs up, OK hand, folded hands, a check mark, a heart or a smile."""
_MOST_LINES = 4
_MOST_WORDS = 16
"""More lines and words than thanks, a sign-off and a name ever take."""


def only_thanks(text: str) -> bool:
    """Whether `text` holds nothing but sentences of thanks or approval (each perhaps
    naming whom it thanks: "Thanks Ada and Bo!") and lines with only a name on them, with
    some thanks and no question; or nothing but approving emoji ("👍")."""
    if _APPROVING_EMOJI.fullmatch(text.strip()):
        return True
    if "?" in text or len(text.split()) > _MOST_WORDS:
        return False
    lines = [line for line in (_plain(raw).strip() for raw in text.splitlines()) if line]
    if not lines or len(lines) > _MOST_LINES:
        return False
    thanked = False
    for line in lines:
        sentences = [_words(s) for s in _SENTENCE_END.split(line) if _words(s)]
        if all(_thanks_then_names(words) for words in sentences):
            thanked = thanked or bool(sentences)
        elif not (len(sentences) == 1 and _names(sentences[0], most=2)):
            return False
    return thanked


def _words(sentence: str) -> list[str]:
    return [w for w in _SEPARATORS.split(sentence) if w]


def _thanks_then_names(words: list[str]) -> bool:
    """Whether `words` open with thanks and go on with nothing but thanks and names."""
    at = _thanks_at(words, 0)
    if not at:
        return False
    while at < len(words):
        taken = _thanks_at(words, at)
        if not taken and not _names(words[at : at + 1], most=1):
            return False
        at += taken or 1
    return True


def _thanks_at(words: list[str], at: int) -> int:
    """How many words from `at` on make the longest phrase of thanks there; 0 if none."""
    for size in range(min(_LONGEST_PHRASE, len(words) - at), 0, -1):
        if _THANKS.fullmatch(" ".join(words[at : at + size]).casefold()):
            return size
    return 0


def _names(words: list[str], *, most: int) -> bool:
    """Whether `words` are at most `most` names: capitalised, and no request or answer."""
    return 0 < len(words) <= most and all(
        word[0].isupper() and not _NOT_A_NAME.fullmatch(word.casefold()) for word in words
    )


def _plain(text: str) -> str:
    """`text` without accents, emoji and smileys, so that "Merci !" and "Thanks 🙏 :)" read
    as their words."""
    decomposed = unicodedata.normalize("NFKD", _SMILEY.sub(" ", text))
    return "".join(
        c
        for c in decomposed
        if not unicodedata.combining(c) and unicodedata.category(c) not in ("So", "Sk", "Cs")
    )
