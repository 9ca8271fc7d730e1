"""Mail written by machines: our own mail coming back, delivery reports and auto-replies.

A machine's message must never be read as a pair's answer: an out-of-office saying "back on
Monday" is not a meeting, and a bounce is not a reply. The checks run in a fixed order (loop,
then bounce, then auto-reply) because a bounce usually also carries `Auto-Submitted`, and the
bounce is the more useful thing to know: it names the addresses that failed.

What counts as a sign follows RFC 3834 and RFC 3464 plus the habits of common mail systems.
`X-Auto-Response-Suppress` is deliberately not a sign: Outlook adds it to ordinary mail from
people, asking *other* machines not to answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from email.message import EmailMessage, Message
from email.parser import HeaderParser

from reminder_service.core.addresses import comparable_address
from reminder_service.core.replies.mime import ParsedMail
from reminder_service.core.replies.verdict import Reason, SentRef
from reminder_service.core.tokens import token_in_address

MachineReason = tuple[Reason, tuple[str, ...]]
"""Why a message is a machine's, and for a bounce the addresses that failed."""

_DAEMON_LOCAL_PARTS = ("mailer-daemon", "postmaster")
_FAILURE_SUBJECTS = (
    "undelivered mail returned to sender",
    "delivery status notification (failure)",
    "mail delivery failed",
    "mail delivery failure",
    "delivery failure",
    "delivery has failed",
    "undeliverable",
    "undelivered mail",
    "returned mail",
    "failure notice",
    "message not delivered",
    "unzustellbar",
    "nicht zustellbar",
    "non remis",
    "non distribuable",
    "no se puede entregar",
    "no entregado",
)
_STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_PRECEDENCE_HEADERS = ("precedence", "x-precedence")
_AUTOREPLY_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-auto-reply",
    "x-autoreply-from",
    "x-auto-reply-from",
    "x-mail-autoreply",
)
_FALSE_VALUES = frozenset({"no", "false", "0"})
_REPLY_PREFIX = re.compile(
    r"^(?:\s*(?:\[[^\]]*\]|(?:re|aw|sv|vs|fw|fwd|wg|tr|rv|r|antw|ref)\s*(?:\[\d+\])?\s*:))*\s*"
)
_AUTO_SUBJECT = re.compile(
    r"automatic reply|auto[- ]?reply|auto\s*:|out of (?:the )?office|vacation reply"
    r"|(?:automatische )?abwesenheitsnotiz|abwesend\s*:|automatische antwort"
    r"|r[ée]ponse automatique|absence\s*:|absen(?:t(?:\(e\)|e)?|ce) du bureau"
    r"|respuesta autom[áa]tica|ausente\s*:|fuera de la oficina|risposta automatica"
    r"|automatisch antwoord|resposta autom[áa]tica|autosvar|automatisk svar"
    r"|(?:not )?read\s*:|gelesen\s*:|lu\s*:|le[íi]do\s*:"
)
_TAG = re.compile(r"\[([^\]]*)\]")
_TRAILING_TAG = re.compile(r"\[([^\]]*)\]\s*$")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_RETURNED_COPY = re.compile(
    r"^(?:(?:return-path|received|message-id|from|to|subject|date|dkim-signature"
    r"|mime-version|content-type):\s"
    r"|.*(?:original message|copy of (?:the|your) message|originalnachricht"
    r"|urspr[üu]ngliche nachricht|message d'origine|mensaje original))",
    re.IGNORECASE,
)


def machine_reason(
    mail: ParsedMail,
    *,
    our_addresses: frozenset[str],
    sent: Callable[[str], SentRef | None],
) -> MachineReason | None:
    """Why `mail` was written by a machine (LOOP, BOUNCE or AUTO_REPLY), or None for a human.

    `our_addresses` are in the form `comparable_address` gives (ReplyContext keeps them so).

    For a bounce the second item lists the addresses that failed permanently (lowercased);
    it is empty for other reasons and for delay notices.
    """
    if _is_loop(mail, our_addresses=our_addresses, sent=sent):
        return (Reason.LOOP, ())
    failing = _bounce_addresses(mail, our_addresses=our_addresses)
    if failing is not None:
        return (Reason.BOUNCE, failing)
    if _is_auto_reply(mail):
        return (Reason.AUTO_REPLY, ())
    return None


def returned_originals(mail: ParsedMail) -> tuple[Message, ...]:
    """The headers of our message that a delivery report sends back, when it includes them."""
    if mail.content_type != "multipart/report":
        return ()
    return tuple(_originals(mail.message.iter_parts()))


def _is_loop(
    mail: ParsedMail, *, our_addresses: frozenset[str], sent: Callable[[str], SentRef | None]
) -> bool:
    if mail.message_id is not None and sent(mail.message_id) is not None:
        return True
    if mail.from_addr is None:
        return False
    sender = comparable_address(mail.from_addr)
    if sender in our_addresses:
        return True
    our_domains = {address.rpartition("@")[2] for address in our_addresses}
    return bool(mail.headers.get("x-reminder-kind")) and _domain(sender) in our_domains


def _bounce_addresses(mail: ParsedMail, *, our_addresses: frozenset[str]) -> tuple[str, ...] | None:
    """The failing addresses if `mail` is a delivery report, else None."""
    if mail.content_type == "multipart/report" and mail.report_type == "delivery-status":
        return _failed_recipients(mail.message)
    if _local_part(mail.from_addr or "") not in _DAEMON_LOCAL_PARTS:
        return None
    subject = _normalized(mail.subject)
    if not any(words in subject for words in _FAILURE_SUBJECTS):
        return ()
    excluded = {*our_addresses, comparable_address(mail.from_addr or "")}
    return _addresses_in_explanation(mail.body, excluded=excluded)


def _failed_recipients(report: EmailMessage) -> tuple[str, ...]:
    """Final-Recipient of every per-recipient block whose Action is `failed` (RFC 3464)."""
    found: dict[str, None] = {}
    for part in report.iter_parts():
        if part.get_content_type() not in _STATUS_TYPES:
            continue
        for block in _blocks(part):
            action = str(block.get("Action", "")).strip().lower()
            _, _, address = str(block.get("Final-Recipient", "")).partition(";")
            if action == "failed" and "@" in address:
                found[address.strip().strip("<>").lower()] = None
    return tuple(found)


def _blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [block for block in payload if isinstance(block, Message)]


def _addresses_in_explanation(body: str, *, excluded: set[str]) -> tuple[str, ...]:
    """Addresses a non-standard bounce names before the copy of the returned message."""
    found: dict[str, None] = {}
    for line in _explanation_lines(body):
        for match in _ADDRESS.finditer(line):
            address = match.group().rstrip(".").lower()
            if not _is_ours_or_daemon(address, excluded=excluded):
                found[address] = None
    return tuple(found)


def _explanation_lines(body: str) -> Iterator[str]:
    for line in body.splitlines():
        if _RETURNED_COPY.match(line):
            return
        yield line


def _is_ours_or_daemon(address: str, *, excluded: set[str]) -> bool:
    if comparable_address(address) in excluded or _local_part(address) in _DAEMON_LOCAL_PARTS:
        return True
    return any(token_in_address(address, mailbox=ours) for ours in excluded if "@" in ours)


def _originals(parts: Iterable[Message]) -> Iterator[Message]:
    for part in parts:
        content_type = part.get_content_type()
        payload = part.get_payload()
        if content_type in ("message/rfc822", "message/global") and isinstance(payload, list):
            yield from (inner for inner in payload[:1] if isinstance(inner, Message))
        elif content_type in ("text/rfc822-headers", "text/global-headers"):
            yield HeaderParser().parsestr(_text_of(part))


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    return str(part.get_payload())


def _is_auto_reply(mail: ParsedMail) -> bool:
    """RFC 3834 and common auto-responder signs; other reports (read receipts) count too."""
    return (
        mail.content_type == "multipart/report"
        or _has_auto_headers(mail.headers)
        or _is_auto_subject(mail.subject)
    )


def _is_auto_subject(subject: str) -> bool:
    """Whether the subject starts, after any Re:/AW:/[EXT] prefixes, with an auto-reply word.

    A responder's tag holding only the words, "[Auto-Reply]", counts too among the prefixes
    or at the end. The words anywhere else do not: "Re: Check-in - back from out of office"
    is a person writing.
    """
    normalized = _normalized(subject)
    rest = _REPLY_PREFIX.sub("", normalized, count=1)
    tags = _TAG.findall(normalized[: len(normalized) - len(rest)])
    tags.extend(_TRAILING_TAG.findall(rest))
    return _AUTO_SUBJECT.match(rest) is not None or any(
        _AUTO_SUBJECT.fullmatch(tag.strip()) is not None for tag in tags
    )


def _has_auto_headers(headers: Mapping[str, tuple[str, ...]]) -> bool:
    def values(name: str) -> tuple[str, ...]:
        return headers.get(name, ())

    return (
        any(_first_word(value) not in ("", "no") for value in values("auto-submitted"))
        or any(
            _first_word(value) in _BULK_PRECEDENCE
            for name in _PRECEDENCE_HEADERS
            for value in values(name)
        )
        or any(_first_word(value) == "reply" for value in values("x-autogenerated"))
        or any(value.strip() == "<>" for value in values("return-path"))
        or any(
            value.strip().lower() not in _FALSE_VALUES
            for name in _AUTOREPLY_HEADERS
            for value in values(name)
        )
    )


def _first_word(value: str) -> str:
    return value.partition(";")[0].strip().lower()


def _normalized(text: str) -> str:
    """`text` composed, case-folded, and with each run of white space one space: a mail
    program folding a long subject leaves two spaces where it broke the line."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _local_part(address: str) -> str:
    return address.rpartition("@")[0].lower()


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()
