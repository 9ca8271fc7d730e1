"""The sender's own words in a reply: quotes, attributions, forwarded originals and signatures cut.

A check-in reply is usually one line above a quoted copy of our message, but people and
their mail clients write in many shapes (GUIDE.md section 5): top-posted over an Outlook
header block, bottom-posted or answering between quoted lines, with localized attribution
lines, mobile signatures and disclaimers. The rules, applied line by line from the top:

- a quoted line (`>` at any depth) is dropped, and the text continues after it, so inline
  and bottom-posted answers are kept; once our quoted marker has been seen, the words a
  mail program wrapped off a long quoted line (losing their ">") are dropped with it;
- at a boundary everything below is the original, not the answer: our own "Please reply
  above this line" marker, "-----Original Message-----" and its translations, forwarded
  message lines, an Outlook header block (From + Sent/Date + To/Subject on consecutive
  lines, in several languages, with labels of up to three words such as "Enviado el:" or
  "Date d'envoi :"), a header block in labels we do not know (three or more "Label: value"
  lines naming an address and a date, directly above a quote or our marker) and a "-- "
  signature separator; below the member's words, our greeting ("Hi Ada and Bo,") on a
  line of its own above a signature starts our message pasted without any marker;
- an attribution ("On ... wrote:", "Am ... schrieb ...:", "Le ... a écrit :", also wrapped
  over up to three lines) is dropped when a quote follows it, and is a boundary otherwise;
  a wrapped one starts at a line opening like one ("On <date>") or naming an address, so
  answer lines typed directly above it stay;
  in wordings without a known verb ("Dne ... napsal(a):", "... menulis:") lines ending in a
  colon that name an address, or a date and a time, are dropped when a quote follows them;
- mobile signatures ("Sent from my iPhone", "Get Outlook for iOS"), external-sender
  banners and a trailing confidentiality disclaimer are dropped.

Lines that merely look like these ("Date: 2026-03-04" alone, "From my side it went well",
"---", "Sent: the slides") stay: a header block needs three kinds of label together, a
separator needs its words, a signature needs its exact form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

from reminder_service.core.replies.lexicon import CLOSING
from reminder_service.core.wording import REPLY_MARKER

_QUOTED = re.compile(r"\s*>")
_MARKER: Final = REPLY_MARKER.casefold()
_MARKER_DECORATION = " \t-\u2014\u2013_*=#~<>[]()|"
_SIGNATURE_SEPARATOR = "--"
_ORIGINAL_SEPARATOR = re.compile(
    r"[-_=*]{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|originalnachricht"
    r"|message\s+d['\u2019]origine|mensaje\s+original|messaggio\s+originale|mensagem\s+original"
    r"|oorspronkelijk\s+bericht|forwarded\s+message|weitergeleitete\s+nachricht"
    r"|message\s+transf[ée]r[ée]|mensaje\s+reenviado|messaggio\s+inoltrato"
    r"|mensagem\s+encaminhada|doorgestuurd\s+bericht)\s*[-_=*]{2,}"
    r"|(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht"
    r"|début\s+du\s+message\s+réexpédié|inicio\s+del\s+mensaje\s+reenviado)\s*:",
    re.IGNORECASE,
)
_LABEL_WORD = r"\w+(?:['\u2019]\w+)?"
_HEADER_LABEL = re.compile(
    rf"\s*\*{{0,2}}({_LABEL_WORD}(?:[ \t\u00a0\u202f]+{_LABEL_WORD}){{0,2}})\*{{0,2}}"
    r"[ \t\u00a0\u202f]*:"
)
_FROM_LABELS = frozenset({"from", "von", "de", "da", "van", "fra", "från"})
_DATE_LABELS = frozenset(
    {
        "sent",
        "date",
        "gesendet",
        "datum",
        "envoyé",
        "enviado",
        "enviada",
        "fecha",
        "data",
        "inviato",
        "verzonden",
        "sendt",
        "skickat",
        "sent on",
        "gesendet am",
        "envoyé le",
        "date d'envoi",
        "enviado el",
        "fecha de envío",
        "inviato il",
        "enviado em",
        "enviada em",
        "data de envio",
        "verzonden op",
    }
)
_TO_LABELS = frozenset(
    {
        "to",
        "an",
        "à",
        "a",
        "para",
        "aan",
        "til",
        "till",
        "cc",
        "subject",
        "betreff",
        "objet",
        "asunto",
        "oggetto",
        "onderwerp",
        "assunto",
        "emne",
        "ämne",
    }
)
_KNOWN_LABELS = _FROM_LABELS | _DATE_LABELS | _TO_LABELS
_HEADER_RUN = 10
_ATTRIBUTION_VERB = re.compile(
    r"\b(?:wrote|schrieb|a\s+écrit|escribió|escreveu|ha\s+scritto|schreef|skrev|kirjoitti"
    r"|napisał)\b|写道|寫道",
    re.IGNORECASE,
)
_ADDRESS_AT_END = re.compile(r"<[^<>\s]+@[^<>\s]+>\s*[:\uff1a]$")
_ATTRIBUTION_OPENER = re.compile(r"\s*(?:on|am|le|el|op|il|em|den|dnia)\b", re.IGNORECASE)
_DATE_HINT = re.compile(r"\d{1,2}[:.h]\d{2}|\b(?:19|20)\d{2}\b")
_ATTRIBUTION_LINES = 3
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")
_DAY = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-] ?\d{1,2}[./-] ?\d{2,4}\b")
_MIN_HEADER_LINES = 3
_NARROWEST_WRAP = 60
_GREETING = re.compile(r"(?:hi|hello|dear)[ \t][^,\n]{1,60},", re.IGNORECASE)
_SENTENCE_ENDS = (".", "!", "?", ":")
_MOBILE_SIGNATURE = re.compile(
    r"(?:sent\s+(?:from|with|using|via)|envoyé\s+(?:de|depuis|à\s+partir\s+de|avec)"
    r"|enviado\s+(?:desde|de|do|con|com)|inviato\s+da|verstuurd\s+(?:vanaf|met)"
    r"|gesendet\s+(?:von|mit)|von\s+meinem|(?:get|download|obtenir|obtener|télécharger"
    r"|scarica)\s+outlook|outlook\s+für)\b[^,;:!?<>]{0,70}(?:<[^<>\s]*>)?",
    re.IGNORECASE,
)
_DEVICE = re.compile(
    r"iphone|ipad|android|galaxy|samsung|blackberry|mobile|phone|smartphone|handy|móvil"
    r"|cellulare|tablet|outlook|mail|proton|huawei|pixel|xperia|appareil|device"
    r"|dispositivo|gerät|teléfono|telefono|téléphone|portable",
    re.IGNORECASE,
)
_DISCLAIMER_START = re.compile(
    r"\s*(?:confidential|disclaimer|privileged|important\s*:|notice\s*:"
    r"|this\s+(?:e-?mail|message|communication|transmission)\b"
    r"|the\s+(?:information|contents?)\s+(?:contained\s+)?in\s+this\b"
    r"|diese\s+(?:e-?mail|nachricht)\b|ce\s+(?:message|courriel|mail|e-mail)\b"
    r"|este\s+(?:mensaje|correo)\b|vertraulich)",
    re.IGNORECASE,
)
_DISCLAIMER_WORD = re.compile(
    r"confidential|privileged|intended|recipient|vertraulich|empfänger|adressat|confidentiel"
    r"|destinataire|confidencial|destinatario|unauthori[sz]ed|prohibited",
    re.IGNORECASE,
)
_BANNER_START = re.compile(
    r"\W*(?:caution|warning|attention|achtung|vorsicht|external|extern|externe|externo)\b",
    re.IGNORECASE,
)
_BANNER_WORDS = (
    re.compile(r"outside|external|extern|außerhalb|extérieur|fuera", re.IGNORECASE),
    re.compile(
        r"organi[sz]ation|sender|absender|expéditeur|remitente|links?\b|attachments?|anhänge",
        re.IGNORECASE,
    ),
)
_BANNER_CHARS = 400
_RULE = re.compile(r"[-_=*~]{5,}")


def reply_text(body: str) -> str:
    """The sender's own words in `body`: '' if there are none. Never raises."""
    lines = [line.rstrip() for line in body.splitlines()]
    return _normalized(_without_notices(_own_lines(lines)))


def before_signed_name(text: str, names: Iterable[str]) -> str:
    """`text` above the line where a signature starts that no "-- " marks: the sender's
    own name alone on a line (see `_signs_at`).

    What follows a name there is a job title, a phone number, "I usually reply within 2
    hours" or "On leave until 4 January", which would otherwise be read as the reply's
    length or the end of its pause. A postscript below the signature ("P.S. We met again
    on Friday", "Nachtrag:", "P.D.") is the sender's own words again, and kept.
    """
    signed = {_signature_form(name) for name in names} - {""}
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if _signs_at(lines, index, signed):
            above = "\n".join(lines[:index]).rstrip()
            later = (n for n in range(index + 1, len(lines)) if _POSTSCRIPT.match(lines[n]))
            postscript = next(later, None)
            if postscript is None:
                return above
            return above + "\n\n" + "\n".join(lines[postscript:]).rstrip()
    return text


def _signs_at(lines: Sequence[str], index: int, signed: set[str]) -> bool:
    """Whether line `index` is the sender's signed name: one of `signed` alone on its line,
    below some words, after a blank line, a finished sentence, a comma ("Saludos
    cordiales,") or a sign-off ("Viele Grüße"), and not going on as a sentence on the next
    line ("and Ana spent an hour on my CV"). A name under a line ending in ':' or under
    another name is one of a list ("Present:", "Ana", "Ben"), not a signature."""
    if _signature_form(lines[index]) not in signed:
        return False
    if not any(line.strip() for line in lines[:index]):
        return False
    above = lines[index - 1].strip()
    if (
        above
        and not above.endswith((".", "!", "?", ","))
        and not _SIGN_OFF.fullmatch(_folded(above))
    ):
        return False
    after = next((line.strip() for line in lines[index + 1 :] if line.strip()), "")
    return not after[:1].islower()


def _folded(line: str) -> str:
    """`line` lowercased without accents, as the sign-off words are written."""
    decomposed = unicodedata.normalize("NFKD", line.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _signature_form(line: str) -> str:
    """`line` as a name is compared: without dashes, punctuation and spaces around it,
    spaces inside made single, in any letter case."""
    return " ".join(line.strip(_AROUND_A_NAME).split()).casefold()


_POSTSCRIPT = re.compile(
    r"\s*(?:p\.?[\s-]?p?\.?[\s-]?[sd]\b|post-?scriptum\b|nachtrag\b|n\.?\s?b\b)",
    re.IGNORECASE,
)
"""A postscript's opening: P.S., PS, PPS, P.-S. (French), P.D. (Spanish), Post-scriptum,
Nachtrag, N.B."""
_SIGN_OFF = re.compile(rf"(?:{CLOSING})(?:\s+(?:again|to you|both|all))?[\s,!.:-]*")
_AROUND_A_NAME = " \t-\u2013\u2014~_*.,!"


def _own_lines(lines: Sequence[str]) -> list[str]:
    """Unquoted lines above the first boundary, without attributions and mobile signatures."""
    kept: list[str] = []
    index = 0
    quoting_us = False
    signature = _last_signature_separator(lines)
    while index < len(lines):
        line = lines[index]
        if _QUOTED.match(line):
            quoting_us = quoting_us or _is_marker(line)
            index += 1
            continue
        if quoting_us and _continues_quote(lines, index):
            index = _paragraph_end(lines, index)
            continue
        if _is_boundary(lines, index):
            break
        if index < signature and _is_pasted_greeting(lines, index, kept):
            break
        span = _attribution_span(lines, index)
        if span:
            after = _next_nonblank(lines, index + span)
            if after is not None and _QUOTED.match(lines[after]):
                index += span
                continue
            if _plausible_attribution(lines[index : index + span]):
                break
        span = _quote_intro_span(lines, index)
        if span:
            index += span
            continue
        if not _is_mobile_signature(line):
            kept.append(line)
        index += 1
    return kept


def _last_signature_separator(lines: Sequence[str]) -> int:
    """The index of the last "-- " signature separator line, or -1 if there is none."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip() == _SIGNATURE_SEPARATOR:
            return index
    return -1


def _is_pasted_greeting(lines: Sequence[str], index: int, kept: Sequence[str]) -> bool:
    """Whether our message, pasted below the answer without a quote or marker, starts here.

    Its greeting ("Hi Ada and Bo,") on a line of its own, after a blank line below the
    member's words and above a signature, is where our text (with its example replies,
    "Pause until January") begins.
    """
    return (
        any(line.strip() for line in kept)
        and not lines[index - 1].strip()
        and _GREETING.fullmatch(lines[index].strip()) is not None
    )


def _is_boundary(lines: Sequence[str], index: int) -> bool:
    """Whether the original message (ours or a forwarded one) starts at this line."""
    line = lines[index].strip()
    return (
        line == _SIGNATURE_SEPARATOR
        or _is_marker(line)
        or _ORIGINAL_SEPARATOR.fullmatch(line) is not None
        or _starts_header_block(lines, index)
        or _starts_unknown_header_block(lines, index)
    )


def _header_label(line: str) -> str | None:
    """The known header label ("From", "Enviado el", "Date d'envoi") this line starts with.

    Only known labels count, so a reply line such as "Sent on Monday: notes" just above a
    header block is not taken for its first line.
    """
    found = _HEADER_LABEL.match(line)
    if found is None:
        return None
    label = " ".join(found.group(1).replace("\u2019", "'").casefold().split())
    return label if label in _KNOWN_LABELS else None


def _starts_header_block(lines: Sequence[str], index: int) -> bool:
    """An Outlook-style block: From, Sent or Date, and To or Subject on consecutive lines."""
    if _header_label(lines[index]) is None:
        return False
    labels: set[str] = set()
    for line in lines[index : index + _HEADER_RUN]:
        if not line.strip():
            break
        label = _header_label(line)
        if label is not None:
            labels.add(label)
    return bool(labels & _FROM_LABELS and labels & _DATE_LABELS and labels & _TO_LABELS)


def _starts_unknown_header_block(lines: Sequence[str], index: int) -> bool:
    """A header block in labels we do not know ("Feladó:", "Dari:"), directly above the original.

    Three or more "Label: value" lines, the first naming an address and one a date and a
    time, followed by a quote or our marker; an answer written as labelled lines is not
    followed by our own message.
    """
    if "@" not in lines[index]:
        return False
    count = 0
    dated = False
    for line in lines[index : index + _HEADER_RUN]:
        found = _HEADER_LABEL.match(line)
        if found is None or not line[found.end() :].strip():
            break
        count += 1
        dated = dated or _names_a_moment(line)
    after = _next_nonblank(lines, index + count)
    return (
        count >= _MIN_HEADER_LINES and dated and after is not None and _opens_original(lines[after])
    )


def _opens_original(line: str) -> bool:
    """A quoted line, or our marker line, where the message being answered begins."""
    return bool(_QUOTED.match(line)) or _is_marker(line)


def _is_marker(line: str) -> bool:
    """Our "Please reply above this line", however decorated or quoted."""
    return line.strip(_MARKER_DECORATION).casefold() == _MARKER


def _continues_quote(lines: Sequence[str], index: int) -> bool:
    """Whether this unquoted line is the rest of the quoted line above, wrapped without its ">".

    Some mail programs put ">" before each line of our message and then wrap the long ones,
    so the words that did not fit come on lines of their own. Such a line follows a long
    quoted line directly, its first word would not have fitted on it, and it goes on with
    the sentence (starts in lower case, or the quoted line ends mid-sentence). An answer
    typed under a quoted question ("> Have you met?" then "Yes") is none of these.
    """
    if index == 0 or not lines[index].strip():
        return False
    above = lines[index - 1].rstrip()
    if not _QUOTED.match(above):
        return False
    first_word = lines[index].split()[0]
    fits = len(above) + 1 + len(first_word) <= _NARROWEST_WRAP
    sentence_goes_on = not first_word[0].isupper() or not above.endswith(_SENTENCE_ENDS)
    return not fits and sentence_goes_on


def _paragraph_end(lines: Sequence[str], start: int) -> int:
    """The index of the first blank or quoted line from `start` on (or the end)."""
    for index in range(start, len(lines)):
        if not lines[index].strip() or _QUOTED.match(lines[index]):
            return index
    return len(lines)


def _attribution_span(lines: Sequence[str], index: int) -> int:
    """How many lines (1-3) an attribution starting here takes; 0 if there is none.

    Lines that only together end in "wrote:" count as one attribution when a mail program
    wrapped it, not when the sender typed an answer right above it (no blank line between).
    """
    joined = ""
    for span, line in enumerate(lines[index : index + _ATTRIBUTION_LINES], start=1):
        if not line.strip() or _QUOTED.match(line):
            return 0
        joined = f"{joined} {line.strip()}"
        if _is_attribution(joined):
            chunk = lines[index : index + span]
            return span if span == 1 or _is_wrapped_attribution(chunk) else 0
    return 0


def _is_wrapped_attribution(lines: Sequence[str]) -> bool:
    """Whether `lines` are one attribution wrapped by a mail program, not answers above one.

    Mail programs wrap "On <date>, <name> <address> wrote:" where the line runs out, so its
    first line opens like an attribution or names (the start of) an address, and no later
    line opens like one: "Yes, we met on Tuesday" or "Not yet" above "On ... wrote:"
    is the sender's answer. The whole must also be plausible, so an answer line followed by
    a short "Dana wrote:" is not swallowed.
    """
    first, *rest = lines
    opens = _opens_attribution(first) or "@" in first or "<" in first
    return (
        opens
        and not any(_opens_attribution(line) for line in rest)
        and _plausible_attribution(lines)
    )


def _opens_attribution(line: str) -> bool:
    """Whether `line` starts like an attribution: "On", "Am", "Le"... and a date with its
    year or a time ("On Fri, Nov 20, at 11:00 AM"): kept as an answer, its date would be
    taken for the meeting's. An answer opening so ("On Monday at 10:00 we met") is kept
    still when the next line opens like an attribution too."""
    return bool(_ATTRIBUTION_OPENER.match(line) and (_DAY.search(line) or _TIME.search(line)))


def _is_attribution(text: str) -> bool:
    """Ends in a colon after a "wrote" verb, or (Japanese Gmail) after a date and address."""
    if not text.endswith((":", "\uff1a")):
        return False
    if _ATTRIBUTION_VERB.search(text):
        return True
    return bool(_ADDRESS_AT_END.search(text) and _DATE_HINT.search(text))


def _plausible_attribution(lines: Sequence[str]) -> bool:
    """An attribution names an address, or opens like "On ..." and gives a date or time."""
    joined = " ".join(lines)
    if "@" in joined:
        return True
    return bool(_ATTRIBUTION_OPENER.match(joined) and _DATE_HINT.search(joined))


def _quote_intro_span(lines: Sequence[str], index: int) -> int:
    """How many lines (1-3) an attribution in any wording starting here takes; 0 if none.

    Mail programs introduce the quote in their own language ("Dne ... napsal(a):",
    "... menulis:"), so no verb is looked for: lines ending in a colon directly above a quote
    that name an address, or a date and a time, introduce it. Their first line must name
    one of these too, so an answer line just above them is not swallowed.
    """
    for span, line in enumerate(lines[index : index + _ATTRIBUTION_LINES], start=1):
        if not line.strip() or _QUOTED.match(line):
            return 0
        if line.endswith((":", "\uff1a")):
            chunk = lines[index : index + span]
            after = _next_nonblank(lines, index + span)
            quoted = after is not None and _QUOTED.match(lines[after]) is not None
            named = _names_a_sender(chunk[0]) and _names_a_sender(" ".join(chunk))
            return span if quoted and named else 0
    return 0


def _names_a_sender(text: str) -> bool:
    """Whether `text` holds an address (or the start of one) or a date and a time."""
    return "@" in text or "<" in text or _names_a_moment(text)


def _names_a_moment(text: str) -> bool:
    return bool(_TIME.search(text) and _DAY.search(text))


def _next_nonblank(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _is_mobile_signature(line: str) -> bool:
    stripped = line.strip()
    return bool(_MOBILE_SIGNATURE.fullmatch(stripped) and _DEVICE.search(stripped))


def _without_notices(lines: list[str]) -> list[str]:
    """`lines` without external-sender banners, and cut at a confidentiality disclaimer.

    A disclaimer before anything else is dropped alone, since an answer may follow it.
    """
    kept: list[str] = []
    start = 0
    while start < len(lines):
        end = _next_blank(lines, start)
        paragraph = lines[start : end + 1]
        if _is_disclaimer(paragraph):
            if any(line.strip() for line in kept):
                break
        elif not _is_banner(paragraph):
            kept += paragraph
        start = end + 1
    return kept


def _next_blank(lines: Sequence[str], start: int) -> int:
    for index in range(start, len(lines)):
        if not lines[index].strip():
            return index
    return len(lines)


def _is_disclaimer(paragraph: Sequence[str]) -> bool:
    """A paragraph, perhaps under a rule, opening like a disclaimer and using its words."""
    opening = next((line for line in paragraph if not _RULE.fullmatch(line.strip())), "")
    if not _DISCLAIMER_START.match(opening):
        return False
    words = {word.casefold() for word in _DISCLAIMER_WORD.findall(" ".join(paragraph))}
    return len(words) >= 2


def _is_banner(paragraph: Sequence[str]) -> bool:
    """A mail server's "this email came from outside the organisation" warning."""
    if not paragraph or not _BANNER_START.match(paragraph[0]):
        return False
    text = " ".join(paragraph)
    return len(text) <= _BANNER_CHARS and all(word.search(text) for word in _BANNER_WORDS)


def _normalized(lines: list[str]) -> str:
    """Blank runs collapsed to one; blank lines at either end and rules at the end removed."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(line if line.strip() else "")
    while out and (not out[-1] or _RULE.fullmatch(out[-1].strip())):
        out.pop()
    return "\n".join(out)
