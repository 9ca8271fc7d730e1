"""Failures in the words a coordinator reads in the log: the operating system's own words
for a network error, and a server's reply written into a sentence of ours."""

from __future__ import annotations

import os
import ssl


def system_words(exc: OSError) -> str:
    """ "Connection refused", "Address already in use", "Name or service not known".

    asyncio writes the address into its connect and bind errors ("Connect call failed
    ('127.0.0.1', 25)", "error while attempting to bind on address ..."); the error number
    gives the plain words. A TLS error's number is the TLS library's, not the system's.
    """
    if exc.errno is not None and exc.errno > 0 and not isinstance(exc, ssl.SSLError):
        return os.strerror(exc.errno)
    return exc.strerror or str(exc) or type(exc).__name__


def as_sentence(text: str) -> str:
    """`text` ending in one full stop, however it ended: a server's reply often has one."""
    return text.rstrip(" .") + "."
