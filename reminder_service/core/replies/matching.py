"""Which pair a reply belongs to, and whether its sender may speak for that pair.

The signed token in the address the reply was sent to is the strongest evidence: quoting and
threading cannot damage it and nobody without the key can forge one. Without a token, the
reply's In-Reply-To/References are looked up among the Message-IDs we sent. Either way the
sender must be the pair's mentor or mentee, so a stranger who got hold of a reply address
cannot log meetings.

Decisions worth knowing:
- A token that is forged or damaged rejects the message even when its References would match:
  tampering is not something to guess around. Expired tokens are rejected too.
- A valid token for a pair that is no longer in the program is not evidence of anything
  current, so matching goes on as if it were absent (References, else unmatched): the
  coordinator sees the message among the unmatched ones rather than as a forgery.
- Anyone can write an `Authentication-Results` header, so only those stamped with the
  authserv-id of our own receiving server (REMINDER_AUTHSERV_ID) count; RFC 8601 has that
  server remove copies of its id that arrive with the message. A failure there outweighs any
  pass, so a forged "pass" cannot hide a real "fail".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import getaddresses
from typing import TYPE_CHECKING

from reminder_service.core.addresses import comparable_address
from reminder_service.core.model import Pair
from reminder_service.core.replies.machines import returned_originals
from reminder_service.core.replies.mime import ParsedMail
from reminder_service.core.replies.verdict import Reason, Role, SentRef
from reminder_service.core.tokens import TokenCheck, check_token, token_in_address

if TYPE_CHECKING:
    from reminder_service.core.replies.understand import ReplyContext

Match = tuple[str, SentRef | None]
"""The pair a reply belongs to, and what we sent that it answers (None if unknown)."""

_AUTH_CLAUSE = re.compile(r'(?:[^;"]|"[^"]*")+')
_AUTH_RESULT = re.compile(r"\s*([a-z][a-z0-9_.-]*)(?:\s*/\s*\d+)?\s*=\s*([a-z]+)", re.I)
_AUTH_PROPERTY = re.compile(r'\b([a-z]+\.[a-z0-9_-]+)\s*=\s*("[^"]*"|[^\s;"]+)', re.I)


@dataclass(frozen=True, slots=True)
class _AuthResult:
    """One method's result in an Authentication-Results header, and the domain it is about."""

    method: str
    result: str
    domain: str | None


def match_pair(mail: ParsedMail, *, context: ReplyContext) -> Match | Reason:
    """The pair `mail` answers, or why it cannot be matched.

    BAD_TOKEN: the only tokens are forged or damaged. EXPIRED_TOKEN: the only acceptable
    tokens are too old. NO_REFERENCE: no token, and no reference to anything we sent.
    """
    checks = _token_checks(mail.recipient_addrs, context=context)
    current = _dedupe(c.pair_id for c in checks if c.status == "ok" and _known(c, context))
    if current:
        return _choose(current, mail=mail, context=context)
    if not any(check.status == "ok" for check in checks):
        if any(check.status == "expired" for check in checks):
            return Reason.EXPIRED_TOKEN
        if checks:
            return Reason.BAD_TOKEN
    referenced = _referenced(mail.references, context=context)
    return next(referenced, Reason.NO_REFERENCE)


def expired_pair(mail: ParsedMail, *, context: ReplyContext) -> str | None:
    """The program pair an expired token in `mail` names, so the rejection can name it."""
    checks = _token_checks(mail.recipient_addrs, context=context)
    return next((c.pair_id for c in checks if c.status == "expired" and _known(c, context)), None)


def bounced_pair(mail: ParsedMail, *, context: ReplyContext) -> str | None:
    """The pair whose check-in a delivery report returns, when the report lets us tell.

    Trusted evidence only: the returned message's Message-ID or its signed reply address,
    else the report's own references to something we sent.
    """
    for original in returned_originals(mail):
        message_id = str(original.get("Message-ID", "")).strip()
        ref = context.sent(message_id) if message_id else None
        if ref is not None and context.program.pair(ref.pair_id) is not None:
            return ref.pair_id
        reply_to = getaddresses([str(original.get("Reply-To", ""))])
        for check in _token_checks((address for _, address in reply_to), context=context):
            if check.status == "ok" and _known(check, context):
                return check.pair_id
    return next((pair_id for pair_id, _ in _referenced(mail.references, context=context)), None)


def sender_role(mail: ParsedMail, pair: Pair) -> Role | Reason:
    """The sender's role in `pair` by From address, else SENDER_NOT_IN_PAIR.

    Case is ignored, and a non-ASCII domain matches in either spelling (`xn--` or not).
    """
    if mail.from_addr is None:
        return Reason.SENDER_NOT_IN_PAIR
    sender = comparable_address(mail.from_addr)
    if sender == comparable_address(pair.mentor.email):
        return "mentor"
    if sender == comparable_address(pair.mentee.email):
        return "mentee"
    return Reason.SENDER_NOT_IN_PAIR


def auth_failed(mail: ParsedMail, *, authserv_id: str | None) -> bool:
    """Whether our own receiving server found the From domain of `mail` forged.

    Only results stamped with `authserv_id` count; without one configured nothing does.
    DMARC decides when our server gave a result for the From domain: `fail` is forged.
    Without one, an SPF or DKIM `fail` for the From domain is, unless one of them passed.
    """
    if authserv_id is None or mail.from_addr is None:
        return False
    domain = mail.from_addr.rpartition("@")[2]
    results = [
        result
        for value in mail.headers.get("authentication-results", ())
        for result in _trusted_results(value, authserv_id=authserv_id)
    ]
    dmarc = [r for r in results if r.method == "dmarc" and r.domain in (None, domain)]
    if dmarc:
        return any(r.result == "fail" for r in dmarc)
    aligned = [r for r in results if r.method in ("spf", "dkim") and r.domain == domain]
    return any(r.result == "fail" for r in aligned) and all(r.result != "pass" for r in aligned)


def _trusted_results(value: str, *, authserv_id: str) -> list[_AuthResult]:
    """The results in one Authentication-Results value, if `authserv_id` stamped it."""
    clauses = _AUTH_CLAUSE.findall(_uncommented(value))
    stamp = clauses[0].split() if clauses else []
    if not stamp or stamp[0].strip('"').lower() != authserv_id.strip().lower():
        return []
    results: list[_AuthResult] = []
    for clause in clauses[1:]:
        found = _AUTH_RESULT.match(clause)
        if found is not None:
            method, result = found[1].lower(), found[2].lower()
            properties = {
                name.lower(): text.strip('"').lower()
                for name, text in _AUTH_PROPERTY.findall(clause, found.end())
            }
            results.append(_AuthResult(method, result, _result_domain(method, properties)))
    return results


def _result_domain(method: str, properties: Mapping[str, str]) -> str | None:
    """The domain a result speaks for: DMARC's From, SPF's MAIL FROM, DKIM's signer."""
    if method == "dmarc":
        address = properties.get("header.from")
    elif method == "spf":
        address = properties.get("smtp.mailfrom")
    else:
        address = properties.get("header.d") or properties.get("header.i")
    return address.rpartition("@")[2] if address else None


def _uncommented(value: str) -> str:
    """`value` without its comments, which may nest; quoted strings are kept whole."""
    kept: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == "(":
            depth += 1
            continue
        elif char == ")" and depth:
            depth -= 1
            continue
        elif char == '"' and not depth:
            quoted = True
        if not depth:
            kept.append(char)
    return "".join(kept)


def _token_checks(addresses: Iterable[str], *, context: ReplyContext) -> list[TokenCheck]:
    today = context.now.astimezone(UTC).date()
    tokens = _dedupe(token_in_address(a, mailbox=context.mailbox) for a in addresses)
    return [
        check_token(token, key=context.key, today=today, max_age=context.token_max_age)
        for token in tokens
    ]


def _choose(pair_ids: list[str], *, mail: ParsedMail, context: ReplyContext) -> Match:
    """Of several valid pairs, the one the references also point to, else the first."""
    for pair_id, ref in _referenced(mail.references, context=context):
        if pair_id in pair_ids:
            return (pair_id, ref)
    return (pair_ids[0], None)


def _referenced(references: Iterable[str], *, context: ReplyContext) -> Iterator[Match]:
    """Program pairs that the references point to, in reference order."""
    for message_id in references:
        ref = context.sent(message_id)
        if ref is not None and context.program.pair(ref.pair_id) is not None:
            yield (ref.pair_id, ref)


def _known(check: TokenCheck, context: ReplyContext) -> bool:
    return check.pair_id is not None and context.program.pair(check.pair_id) is not None


def _dedupe(items: Iterable[str | None]) -> list[str]:
    return [item for item in dict.fromkeys(items) if item is not None]
