"""Which characters a reader must not be given raw: the one rule that logs and commands share.

Text from replies (senders, subjects, Message-IDs) reaches coordinators in log lines and in
command output. Both must withhold the same characters, or text hidden from one is hidden
in the other: a zero-width space inside an address the coordinator greps the log for, or an
override that reverses part of a subject. Logs write such a character as an escape
(`\\u200b`); commands show U+FFFD in its place.
"""

from __future__ import annotations

import unicodedata


def unsafe_to_show(character: str) -> bool:
    """Whether `character` would act on a terminal, break a line or hide itself instead of
    being seen: every character `str.isprintable` refuses except spaces.

    That is controls (C0, DEL, C1), the line and paragraph separators, every format
    character (bidi marks, embeddings, overrides and isolates, zero-width spaces and
    joiners, the word joiner and invisible operators, the soft hyphen, the byte-order mark,
    tag characters), surrogates, private-use and unassigned code points. Spaces other than
    the plain one (category Zs, such as the no-break spaces French puts before "?" and ":")
    are not unsafe: they show as blank space and cannot be mistaken for anything else.
    """
    if character.isprintable():
        return False
    return unicodedata.category(character) != "Zs"
