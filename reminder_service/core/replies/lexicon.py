"""Word tables for reading replies written in English, German, French or Spanish (and
Portuguese pauses: "pausar até março").

Every entry is written the way `head` folds reply text: lower case, accents removed
("marz", "miercoles"), typographic apostrophes made plain, "n't" spelled " not" ("have not",
"did not"), and a hyphen between two letters turned into a space ("avant hier", "forty five",
"check ins"). The phrase tables are regular-expression sources; the reading modules (`head`,
`dates`, `pause_end`, `durations`) join each table and compile it once, with word
boundaries around it; `head` runs the clause tables on one clause at a time.
"""

from __future__ import annotations

from typing import Final


def _numbered(rows: tuple[str, ...], *, start: int = 1) -> dict[str, int]:
    """Rows of `|`-separated synonyms, numbered from `start`, as one word -> number table."""
    return {word: number for number, row in enumerate(rows, start=start) for word in row.split("|")}


MONTHS: Final = _numbered(
    (
        "january|jan|januar|janner|janvier|janv|enero|ene|janeiro",
        "february|feb|februar|fevrier|fevr|fev|febrero|fevereiro",
        "march|mar|marz|maerz|mars|marzo|marco",
        "april|apr|avril|avr|abril|abr",
        "may|mai|mayo|maio",
        "june|jun|juni|juin|junio|junho",
        "july|jul|juli|juillet|juil|julio|julho",
        "august|aug|aout|agosto",
        "september|sep|sept|septembre|septiembre|setiembre|setembro",
        "october|oct|oktober|okt|octobre|octubre|outubro",
        "november|nov|noviembre|novembre|novembro",
        "december|dec|dezember|dez|decembre|diciembre|dic|dezembro",
    )
)
NAME_LIKE_MONTHS: Final = {
    "marco": r"(?:(?<=\bde )|(?<=\bem )|(?<=\bate ))marco|marco(?= de \d{4}(?!\d))"
}
"""Month names that are also first names, with the only places they are read as months:
Portuguese "março" without its cedilla is "Marco", so it is March only in a Portuguese date
phrase ("de marco", "até marco", "em marco", "marco de 2027"). `head` folds "março" with
its cedilla as Spanish "marzo", which is always a month."""

WEEKDAYS: Final = _numbered(
    (
        "monday|monady|mondy|montag|lundi|lunes",
        "tuesday|tues|tue|tusday|teusday|tuseday|tuesdy|tueday|dienstag|mardi|martes",
        "wednesday|weds|wensday|wendsday|wednsday|wedensday|wendesday|wednesdy|wedsday|mittwoch"
        "|mercredi|miercoles",
        "thursday|thurs|thur|thu|thrusday|thursady|thurday|thursdy|donnerstag|jeudi|jueves",
        "friday|fri|firday|fridy|freitag|vendredi|viernes",
        "saturday|saterday|saturdy|samstag|sonnabend|samedi|sabado",
        "sunday|sundy|sonntag|dimanche|domingo",
    ),
    start=0,
)
WEEKDAYS_BEFORE_A_BARE_DAY: Final = (
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|lundi|mardi"
    r"|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miercoles|jueves|viernes|sabado"
    r"|domingo"
)
"""The weekdays of the languages that write a date as a weekday and a bare number ("lundi
16", "el lunes 16", "Montag, 16."); in English "Monday 2" is as often two o'clock, so an
English weekday takes only an ordinal ("Monday 2nd")."""
WEEKDAY_SHORT: Final = _numbered(
    (
        "mon|mo|lun",
        "di",
        "wed|mi|mer|mie",
        "do|jeu|jue",
        "fr|ven|vie",
        "sat|sa|sam|sab",
        "sun|dim|dom",
    ),
    start=0,
)
"""Weekday abbreviations that are also words, names or parts of addresses ("mon ami", "do",
"sat", "Mo", "de jeu", "la mer", "example.fr"): read only after "on", "am", "le" or "el"
("am Di", "el mié"). Spanish and French "mar" (the sea, March) and German "So" (so) are
never read as days."""
TITLES: Final = ("mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "herr", "frau", "mme", "m.")
"""Titles before a surname: a weekday right after one is a name ("Mr Friday", "Frau
Freitag"), not a day."""
WEEKDAY_SHORT_AFTER_MET: Final = r"mon|wed|sat|sun"
"""English abbreviations of `WEEKDAY_SHORT` also read right after "met" when nothing but a
number or the clause's end follows ("met mon 45m", "met wed, 1h"): there they cannot be the
French "mon" nor a name ("met Sun Li")."""

COUNTS: Final = _numbered(
    (
        "a|an|one|ein|eine|einen|einem|einer|un|une|una|uno",
        "two|zwei|deux|dos|couple|a couple|a couple of",
        "three|drei|trois|tres",
        "four|vier|quatre|cuatro",
        "five|funf|cinq|cinco",
        "six|sechs|seis",
        "seven|sieben|sept|siete",
        "eight|acht|huit|ocho",
        "nine|neun|neuf|nueve",
        "ten|zehn|dix|diez",
        "eleven|elf|onze|once",
        "twelve|zwolf|douze|doce",
    )
)
"""Small numbers as words, for "an hour", "zwei Stunden", "for two months", "il y a 3 jours"."""

MINUTES_IN_WORDS: Final = {
    word: minutes
    for minutes, row in (
        (5, "five|funf|cinq|cinco"),
        (10, "ten|zehn|dix|diez"),
        (15, "fifteen|funfzehn|quinze|quince"),
        (20, "twenty|zwanzig|vingt|veinte"),
        (25, "twenty five|funfundzwanzig|vingt cinq|veinticinco"),
        (30, "thirty|dreissig|trente|treinta"),
        (40, "forty|vierzig|quarante|cuarenta"),
        (45, "forty five|funfundvierzig|quarante cinq|cuarenta y cinco"),
        (50, "fifty|funfzig|cinquante|cincuenta"),
        (60, "sixty|sechzig|soixante|sesenta"),
        (75, "seventy five|funfundsiebzig|soixante quinze|setenta y cinco"),
        (90, "ninety|neunzig|quatre vingt dix|noventa"),
    )
    for word in row.split("|")
}
"""Numbers of minutes as words, for "forty five minutes", "zwanzig Minuten", "treinta minutos"."""

FIXED_DURATIONS: Final = {
    phrase: minutes
    for minutes, row in (
        (15, "quarter of an hour|a quarter hour|viertelstunde|viertel stunde|quart d'heure"),
        (15, "cuarto de hora"),
        (30, "half an hour|half hour|a half hour|halbe stunde|demi heure|media hora"),
        (30, "half an hr|half hr|a half hr"),
        (45, "three quarters of an hour|dreiviertelstunde|dreiviertel stunde"),
        (45, "drei viertel stunde|trois quarts d'heure|tres cuartos de hora"),
        (90, "anderthalb stunden|eineinhalb stunden|einhalb stunden|hora y media"),
        (90, "heure et demie|heure et demi|an hour and half|hour and half|hour and a half"),
        (150, "zweieinhalb stunden"),
    )
    for phrase in row.split("|")
}
"""Durations said in a fixed phrase, in minutes."""

HOURS_WORDS: Final = "hour|hours|stunde|stunden|heure|heures|hora|horas"
HOURS_UNITS: Final = f"{HOURS_WORDS}|h|hr|hrs|std"
MINUTES_UNITS: Final = (
    "minute|minutes|minuten|minuto|minutos|mins|min|mn|m|mintues|minuets|minuts|mintes"
)
AND_A_HALF: Final = "and a half|und eine halbe|und halb|et demie|et demi|y media"

DAYS_BEFORE: Final = {
    phrase: days
    for days, row in (
        (0, "today|earlier today|this morning|this afternoon|this evening|tonight|heute"),
        (0, "aujourd'hui|ce matin|cet apres midi|ce soir|hoy|esta manana|esta tarde"),
        (0, "esta noche"),
        (1, "yesterday|yesterdy|yesteday|yday|yest|last night|gestern|ayer|anoche"),
        (1, "hier"),
        (2, "the day before yesterday|day before yesterday|vorgestern|avant hier"),
        (2, "anteayer|antes de ayer|antier"),
    )
    for phrase in row.split("|")
}
"""Relative day words: how many days before the reply's own date."""

AMBIGUOUS_YESTERDAY: Final = "hier"
"""French for "yesterday", German for "here": read as a date only when the text is not German."""

GERMAN_HINTS: Final = r"wir|uns|und|ich|haben|hatten|nicht|noch|ist|sehr|getroffen|gesprochen"
FRENCH_HINTS: Final = r"on|nous|vous|je|et|pas|le|la|les|une|est|avons|s'est|vus"

WEEKDAY_BEFORE: Final = (
    r"last|this past|past|letzten|letzte|letztes|vergangenen|vergangene|el pasado|el ultimo"
)
WEEKDAY_BEFORE_AFTER: Final = r"dernier|passe|pasado"
WEEKDAY_BEFORE_LAST: Final = r"vorletzten|vorletzte|vorletztes|el penultimo"
WEEKDAY_BEFORE_LAST_AFTER: Final = (
    r"before last(?! (?:week|month|year|call|meeting|session|time|one|exam|class)\b|'s)"
    r"|avant dernier|antepasado"
)
WEEKDAY_PREVIOUS_WEEK: Final = (
    r"last week|letzte woche|letzter woche|vergangene woche|vergangener woche"
    r"|der letzten woche|der vergangenen woche|la semaine derniere|la semaine passee"
    r"|la semana pasada"
)
"""Said before or after a weekday ("last week on Tuesday", "Dienstag letzter Woche"), with
"of" or "de" before it after one ("Tuesday of last week", "martes de la semana pasada")."""
WEEKDAY_THIS_WEEK: Final = r"this week|diese woche|dieser woche|cette semaine|esta semana"
WEEKDAY_NEXT: Final = (
    r"next|this coming|coming|nachsten|nachste|kommenden|el proximo|el siguiente|proximo"
)
WEEKDAY_NEXT_AFTER: Final = (
    r"prochain|qui vient|que viene|proximo|next week|nachste woche|la semaine prochaine"
    r"|la semana que viene"
)
FILLER: Final = (
    r"on|the|for|about|around|approx|approximately|roughly|ca|circa|etwa|ungefahr|environ"
    r"|unos|unas|aprox|am|le|el|la|and|und|et|y|at|um|a|an|ein|eine|une|un|una|de|of|met|only"
    r"|just|nur|seulement"
    r"|date|datum|fecha|when|wann|quand|cuando|duration|dauer|duree|duracion|length|time"
    r"|or so|or thereabouts|give or take|more or less|oder so|plus ou moins|mas o menos"
    r"|in the|morning|afternoon|evening|night|lunchtime|abend|nachmittag|vormittag|mittag"
    r"|soir|matin|apres midi|midi|por|en|tarde|noche|mediodia"
)
"""Words that may stand around a bare date and duration ("about an hour, on the 3rd",
"yesterday evening, an hour or so"). Not "morgen" nor "mañana": they also mean tomorrow."""
KIND_OF_MEETING: Final = (
    r"(?:zoom |video |phone |teams )?call|zoom|meeting|session|chat|catch up|coffee"
    r"|telefonat|anruf|gesprach|appel|visio|llamada|reunion"
)
"""What a meeting was, said beside a bare date and duration ("Zoom call Monday 45 min",
"Coffee yesterday, 1h"): it names the meeting they date. Not "treffen", also the present
"we meet" of a plan."""

ANOTHER_EVENT: Final = (
    r"i|i'm|i've|my|she|he|her|his|him|they|their|them|ich|mein|meine|meinen|sie|ihr|ihre"
    r"|ihren|er|sein|seine|seinen|je|j'ai|mon(?! ?[\d,.;:!)]|$)|ma|mes|elle|il|son"
    r"|sa(?! ?[\d,.;:!)]|$)|ses|yo|mi(?! ?[\d,.;:!)]|$)|mis|ella|su|sus"
    r"|exam|exams|test|birthday|interview|deadline|job|appointment|presentation|holiday"
    r"|holidays|vacation|flight|surgery|doctor|started|start|starts|work|works|prufung"
    r"|klausur|geburtstag|vorstellungsgesprach|urlaub|arbeit|examen|anniversaire|entretien"
    r"|travail|vacances|cumpleanos|entrevista|trabajo|vacaciones"
)
"""Words that make a date in a clause without "we met" another person's or event's day
("she had an exam on Friday", "her birthday was on the 20th", "I work part-time (Tue,
Wed)"), not the meeting's. Not "mon", "sa" or "mi" before a number or a stop: "Mon 23/11",
"Yes, Mon, 1h", "Sa 21.11.", "Mi 25.11." are weekdays."""
SOMEONE_ELSE_FIRST: Final = (
    r"^\W*(?:she|he|they|sie|er|elle|il|ella"
    r"|(?:her|his|their|ihre?|seine?|son|sa|ses|su|sus) \w+)\b"
)
"""A clause whose subject is another person or their thing ("her commute is now 30
minutes", "she runs 5k in 25 minutes"): its length is theirs, not the meeting's. Not "went
through his portfolio for an hour", which is the meeting's."""

MEETING_AHEAD: Final = r"we're meeting|we are meeting|meet again|aiming|aim to"
"""Words for a meeting still to come that need no future tense ("we're meeting again on
Friday", "we're aiming for 1 hour sessions")."""

PLANNED_LENGTH: Final = (
    rf"will|'ll|going to|gonna|{MEETING_AHEAD}|meeting again"
    r"|suggested|suggests|plan to|planning to|next time|werden|allons|vamos a"
)
"""Words after which a length in the same clause is a plan's ("and will meet again on
Friday for 2 hours", "Ada suggested we meet for 45 minutes"). Not "next" nor "plan" alone
("we had our next session on Monday for an hour")."""

DAY_AROUND_ANOTHER: Final = (
    r"(?:day|week|morning|evening|night) (?:after|before)(?! (?:yesterday|last))"
    r"|am tag (?:nach|vor)|lendemain|veille|(?:dia|semana) (?:despues|antes)"
)
"""A meeting dated from another event ("we met the day after her exam on the 20th"): the
date there is the event's."""

NUMBER_AFTER: Final = (
    r"score|scored|scores|rated|rating|grade|graded|grades|version|release|note|noten"
    r"|bewertung|punkte"
)
"""Words after which a number is a mark or a version ("Scored 2.3.", "Note 2.3.", "version
2/3"), never a day and month, even with a last dot or a slash."""

DAYS_UNITS: Final = r"days?|tagen?|jours?|dias?"
WEEKS_UNITS: Final = r"weeks?|wochen?|semaines?|semanas?"
MONTHS_UNITS: Final = r"months?|monate?n?|mois|mes|meses"

UNTIL: Final = r"until|till|til|untill|through|thru|bis|jusqu'au|jusqu'a|jusqu'en|jusque|hasta|ate"
UNTIL_AFTER: Final = r"after|nach|apres|despues"
"""After "until", a word that makes the day named later in the clause only a bound ("until
after her exams on 15 Feb"), not the pause's last day."""
COPULA: Final = r"is|are|was|were|ist|sind|war|est|sont|es|son|fue"
"""Forms of "to be" ("ist", "est", "es"), which after a day make it a thing's ("her surgery
on 8 December is over")."""
SUBJECT_PRONOUNS: Final = r"i|we|she|he|they|ich|wir|sie|er|je|nous|elle|il|ils|elles|yo|ella"
"""Pronouns that open a statement; not Spanish "él", which folds to the article "el"."""
UNTIL_ORDINARY: Final = r"through|thru"
"""Until-words that are ordinary words too ("going through a busy time"): they bound a pause
only right after it ("pause through May", "hold off our check ins through the summer")."""
UNTIL_RIGHT_AFTER_PAUSE: Final = r"ate"
"""Portuguese "até", folded, is English "ate": it counts only right after the pause ("pausar
até março", "pausa até o fim do mês"), never in "we ate lunch on Friday, please pause"."""
PAUSE_FOR: Final = r"for|fur|pendant|pour|durante|por"
MONTH_START: Final = (
    r"early|beginning of|start of|anfang|debut|le debut de|principios de|comienzos de|inicios de"
    r"|inicio de|comeco de"
)
MONTH_MIDDLE: Final = r"mid|middle of|mitte|mi|mediados de|meados de"
MONTH_END: Final = (
    r"end of|the end of|late|ende|fin|la fin de|fin de|finales de|a finales de|fim de|final de"
)
NEXT_WEEK: Final = (
    r"next week|nachste woche|nachsten woche|la semaine prochaine|semaine prochaine"
    r"|la proxima semana|la semana que viene|proxima semana|semana que vem"
)
NEXT_MONTH: Final = (
    r"next month|nachsten monats|nachsten monat|nachster monat|le mois prochain|mois prochain"
    r"|el proximo mes|el mes que viene|mes que viene|proximo mes|mes que vem"
)
NEXT_YEAR: Final = (
    r"next year|the new year|nachsten jahres|nachstes jahr|nachsten jahr|neujahr"
    r"|l'annee prochaine|annee prochaine|le nouvel an|el proximo ano|el ano que viene"
    r"|ano que viene|proximo ano|ano nuevo|ano que vem"
)
THIS_MONTH: Final = r"this month|month|dieses monats|monats|ce mois|mois|este mes|mes"
THIS_YEAR: Final = r"this year|year|dieses jahres|jahres|cette annee|annee|este ano|ano"
PERIOD_START: Final = (
    r"early|beginning|start|anfang|beginn|debut|le debut|principios|comienzos|inicios|inicio"
    r"|comeco"
)
PERIOD_MIDDLE: Final = r"mid|middle|mitte|mi|la mi|mediados|meados"
PERIOD_END: Final = r"late|end|ende|fin|la fin|final|finales|a finales|fim"
PERIOD_OF: Final = r"of the |of this |of |des |du |de la |de l'|del |de |d'|do "
"""What joins "end" to "month" or "2027": "end of the", "ende des", "fin du", "fim do"."""
MONTH_AFTER_NEXT: Final = (
    r"month after next|ubernachsten monats|ubernachsten monat|ubernachster monat"
)
YEAR_AFTER_NEXT: Final = r"year after next|ubernachsten jahres|ubernachstes jahr"
MONTH_END_WORD: Final = r"monatsende|month end"
YEAR_END_WORD: Final = r"jahresende|year end"
FURTHER_NOTICE: Final = (
    r"further notice|auf weiteres|nouvel ordre|nouvel avis|nuevo aviso|nueva orden"
    r"|segunda ordem|novo aviso|nova ordem"
)
"""After "until": the pause is meant to be open-ended."""
NOT_AN_END: Final = (
    r"bald|spater|demnachst|luego|pronto|now|jetzt|heute|ici|present|maintenant|ahora|hoy"
)
"""After "until": a farewell ("bis bald", "hasta luego") or "so far" ("bis jetzt",
"jusqu'à présent"), not the end of a pause."""
FAREWELL: Final = (
    r"then|next time|dann|zum nachsten mal|nachstes mal|morgen|tomorrow|demain|manana"
    r"|la prochaine(?: fois)?|la proxima(?: vez)?|otra|la vista"
)
"""After an until-word that starts a clause and with nothing after them, a sign-off ("Till
then,", "Bis zum nächsten Mal", "Hasta la próxima"): in "pause until then" or "hasta la
próxima semana" they are not."""

# What a clause says, as regex sources over one folded clause. `^` anchors at the clause start.

YES: Final = (
    r"^(?:(?:oh|ah|well|so|and|und|alors|bueno|pues) )?"
    r"(?:yes+|yep|yeah|yup|yea|yess|ja+|jep|jo|jawohl|oui|ouais|ouaip|claro|si claro)"
)
"""An answer that starts with yes."""

YES_ALONE: Final = (
    r"^(?:si|sure|done|correct|correcto|exact|exactement|exacto|genau|richtig|indeed"
    r"|absolutely|definitely|affirmative|erledigt|fait|hecho|of course|bien sur|we did manage"
    r"|we managed|we managed it|we did manage it|managed it"
    r"|por supuesto|naturlich|klar|we did|we have|we did indeed|we have indeed|yes we did"
    r"|yes we have|did so|sure did|wir haben|c'est fait|ya lo hicimos|that's right"
    r"|that is right|right|stimmt|das stimmt|c'est ca|c'est exact|c'est juste|es correcto"
    r"|asi es|eso es)$"
)
"""Words that mean yes only as a whole clause ("Sí!" but not "si podemos")."""

OUR_EMAILS: Final = (
    r"check ins|checkins|emails|e mails|mails|reminders|messages|correos|mensajes|recordatorios"
)
"""Our emails, as the pair names them when asking for no more of them."""

NO_MORE: Final = rf"(?:more|further|mas) (?:{OUR_EMAILS})"
"""After "no", asking for no more emails ("no more emails", "no más correos"): an end."""

NO: Final = (
    r"yes and no|ja und nein|oui et non|si y no"
    r"|^(?:no+|nope|nah|nay|nein|nee|noe|non|nop|negative|negativ)"
    r"(?! (?:problem|problems|prob|issues?|worries|worry|need|doubt|matter|idea|clue|rush"
    r"|hay problema"
    rf"|pasa nada|te preocupes|se|sorgen|stress|souci|soucis|probleme|t'inquiete|idee|{NO_MORE}"
    rf"|{OUR_EMAILS}))"
)
"""An answer that starts with no (but not "no problem", nor "no more emails", an end, nor
"no emails please", which a person reads); "yes and no" says both."""

MET_SPANISH: Final = (
    r"nos (?:\w+ )?(?:reunimos|vimos|juntamos|encontramos|conectamos|hablamos|llamamos)"
    r"|nos hemos (?:\w+ )?(?:reunido|visto|juntado|encontrado|hablado)"
    r"|hablamos|conversamos|platicamos|charlamos"
    r"|(?:tuvimos|hemos tenido|hicimos) (?:\w+ ){0,2}(?:reunion|llamada|sesion|charla|cafe"
    r"|conversacion|videollamada|encuentro|almuerzo)"
    r"|(?:pudimos|logramos|conseguimos) (?:\w+ )?(?:vernos|reunirnos|juntarnos|encontrarnos"
    r"|hablar|conectar)"
)
"""A meeting reported in Spanish; Portuguese spells some of these alike ("nos vimos")."""

LENGTH: Final = (
    r"\d+(?:[.,]\d+)?(?: ?- ?| )?(?:min\w*|hour\w*|hrs?|h|std|stund\w*|heure\w*|hora\w*)"
    r"(?: long)?"
)
"""A meeting's length written between "had a" and what it was ("had a 15-minute call", "had
a quick 30 min chat"): it takes a word of its own, beyond the three words that may stand
there."""

_DAY_NAMES: Final = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
"""The English weekdays, for the English phrases below that name one."""
_PAST_DAY: Final = (
    r"(?:yesterday|last night)(?!'s)|last week(?= ?(?:[.,;:!)]|$))"
    rf"|last (?:{_DAY_NAMES})(?! of\b)"
)
_NOT_AFTER_MODAL: Final = (
    "".join(
        rf"(?<!\b{modal} )"
        for modal in (
            "can",
            "could",
            "should",
            "might",
            "must",
            "may",
            "will",
            "would",
            "shall",
            "to",
            "and",
            "let's",
            "lets",
            "hoping we",
            "hope we",
        )
    )
    + "(?<!'ll )(?<!'d )"
)
_AFTER_MANAGED: Final = (
    r"(?= (?:up|on|for(?! a (?:moment|minute|second)\b)|yesterday|today|this|last|earlier"
    rf"|in person|in the end|after all|at last|online|again|{_DAY_NAMES})\b"
    r"|[.,;:!?)]|$)(?![^.;!?\n]*\bwith\b)"
)
OPENERS: Final = ("yes", "so", "and", "but", "finally", "despite that", "despite all that")
"""Words that may open a statement before its subject ("yes, we managed to meet", "so we
did meet") or stand for one ("Yes! Managed to meet Monday")."""
_PAIR_OPENS: Final = r"(?:(?<![\w'] )" + "".join(rf"|(?<=\b{opener} )" for opener in OPENERS) + ")"
MANAGED_TO_MEET: Final = (
    rf"meeted|{_PAIR_OPENS}we (?:(?:(?:never )?did meet"
    r"|(?:(?:finally|eventually) )?(?:managed|were able) to (?:finally |eventually )?meet)"
    rf"(?: up)?{_AFTER_MANAGED}"
    r"|(?:finally|eventually) could meet|could (?:finally|eventually) meet)"
    rf"|{_NOT_AFTER_MODAL}meet(?: up)?(?: on)? (?={_PAST_DAY})"
    rf"|{_PAIR_OPENS}wir (?:haben es (?:endlich )?geschafft[\n, ]+uns"
    r" (?:(?!(?:mit|fast|beinahe)\b)\w+ ){0,5}zu |konnten uns"
    r" (?:(?!(?:mit|fast|beinahe)\b)\w+ ){0,5})(?:treffen|sehen)"
    rf"|{_PAIR_OPENS}(?:on a|nous avons) (?:enfin )?(?:reussi a|pu) (?:nous |se )(?:voir"
    r"|rencontrer|retrouver|reunir|parler|appeler)"
)
"""A meeting reported as a past the pair managed, with the pair as the subject right before
it at the start of a statement ("we finally managed to meet on Monday", "yes, we did meet",
with nothing but a day, a length or "up" after it, so not "we did meet the deadline" or
"we did meet her manager"),
"wir haben es geschafft, uns zu treffen", "on a réussi à se voir"), with the verb misspelt
("meeted"), or in the present beside a past day ("we meet yesterday"; not "we can meet this
morning", "let's meet up last week of term", "last night's train"). Anything else before the
subject may say it did not happen ("I wish we'd managed", "had we managed", "we nearly
managed", "I doubt we managed") or another subject ("nobody managed", "Ada was able to
meet"), "with" after it ("we managed to meet up with the recruiter") someone else, and
"briefly" or "for a moment" a greeting in passing: then it is no report and a person reads
the reply. "Saw each other" is no report: as often it was
in passing, at a fair, or only to say hello. "Könnten" (could, a suggestion) is folded apart
from "konnten" (could, past); "could meet" alone may be either, so only "finally could
meet" counts."""

MANAGED_BY_ANYONE: Final = (
    r"(?:managed|were able|was able) to (?:finally |eventually )?meet"
    rf"(?: up)?{_AFTER_MANAGED}"
)
"""A "managed to meet" without the pair as the subject right before it (`MANAGED_TO_MEET`):
"I wish we'd managed to meet", "nobody managed to meet on Monday". It reports no meeting:
negated it says not met ("we never quite managed to meet up"), otherwise a person reads it;
with no subject at all ("Yes! Managed to meet Monday, 1h") it is the pair's.
With an object after it ("Ada was able to meet the recruiter", "Bo managed to meet his
deadline") it is about something else and says nothing about the pair."""

CONDITION_OPENED: Final = r"had (?:we|you|they|i|she|he)(?: \w+)?\W*$"
"""A meeting phrase right after "had" and its subject, which open a condition ("Had we met,
it would have helped", "had we only had a call in October"): what would have been, so a
person reads it. Not "we had a call", where "had" is the phrase's own verb."""

NEARLY: Final = r"(?:nearly|almost|fast|beinahe|presque|casi)\W*$"
"""A word right before a meeting phrase saying it almost happened ("we nearly met
yesterday", "casi nos vimos"): a person reads it."""

MEETING_WAS: Final = r"(?:our|the) (?:meeting|session|call|catch up) took place"
"""A meeting reported with our meeting as the subject ("the meeting took place"), only with
`TOOK_PLACE_TAIL` after it to the end of the sentence, and unless the reply says we have not
met. Not "the meeting was on Monday", which is as often a plan, another meeting's day, or one
that failed ("the call was yesterday but she had no signal"), nor "the info session took
place", someone else's, nor "went ahead", which as often goes on to say who was missing."""

TOOK_PLACE_TAIL: Final = (
    r"(?:(?:on|at|in|for|about|around|approx|roughly|the|this|last|an|a|and|of|online"
    r"|in person|as planned|as scheduled|yesterday|today|week|morning|afternoon|evening|night"
    r"|lunchtime|half|hours?|mins?|minutes?|hrs?|h|\d[\w:.]*"
    rf"|{'|'.join(WEEKDAYS)}|{'|'.join(MONTHS)})(?: |$))*"
)
"""All the words that may follow "the meeting took place" in its sentence: its day, time,
length and way ("on Tuesday, online, 1h"). Anything else ("but I was alone", "with her
manager", "until the fire alarm") may say it was no meeting of the pair: a person reads it."""

DOUBT: Final = r"doubt|doubtful|unsure|not sure|not think"
"""Words saying the writer doubts what follows ("I doubt we need to pause"): a pause after
them is no request. Not "if" or "wonder", which as often ask politely ("I wonder if we could
pause until March")."""

MAYBE: Final = (
    r"maybe|perhaps|possibly|vielleicht|eventuell|moglicherweise|peut etre|quizas?|tal vez"
)
""""Maybe" in four languages: a doubt on a meeting (`DOUBTED`), a hedge on a request
(`HEDGED`)."""

DOUBTED: Final = (
    rf"{DOUBT}|whether|if|unless|hope|hoping|hopefully|wonder|wondering|try|trying|wish|wished"
    rf"|{MAYBE}|supposedly|angeblich|supuestamente"
    r"|(?:could|should|would|might|will|shall|may) have|(?:could|should|would|might|may)'ve"
    r"|'d have|'ll have"
)
"""Words that put a meeting phrase after them in doubt ("I doubt we managed to meet", "not
sure the meeting took place", "if we were able to meet", "maybe we met last week",
"vielleicht haben wir uns getroffen", "peut-être qu'on s'est vus", "quizás nos vimos", "we
should have met on Monday", "we'd have met but for the strike", "we'll have met by Friday",
"I wish we had met"): a person reads it."""

WOULD_HAVE: Final = r"haett\w*"
"""German "hätte", "hätten" (would have), which `head` folds apart from "hatte" (had):
anywhere in the sentence of a meeting phrase, before or after it, they tell what would have
been ("wir hätten uns getroffen", "Hätten wir uns doch am Montag getroffen", "Wenn wir uns
nur getroffen hätten"): a person reads it."""

DATED_AFTER: Final = (
    r" (?:on|last|this|am|le|el) \w+| (?:yesterday|gestern|hier|ayer)\b| \d{1,2}[./]\d{1,2}"
)
"""A day right after a meeting phrase: "since we met on Monday" reports that meeting."""

SINCE_MET: Final = (
    r"(?:since|seit|depuis|desde)(?: the (?:last|first) time)? (?:we|you|they|i|wir|que|qu'on"
    r"|nous|on)(?: \w+)?|ca fait (?:\w+ ){0,4}qu'on"
)
"""The words before a meeting phrase that make it the check-in's own words said back ("it's
been 3 weeks since we met", "not since the last time we met", "seit wir uns getroffen haben",
"ca fait trois semaines qu'on s'est vus"): no report of a meeting, so a person reads it."""

_PLANNED_FIRST: Final = (
    r"planned|scheduled|booked|arranged|organi[sz]ed|hoped|wanted|meant|intended|agreed|tried"
    r"|to"
)
"""Words between "had" and a meeting that make it a plan ("we had planned a call")."""

_PLANNED_AFTER: Final = (
    r"scheduled|planned|booked|arranged|organi[sz]ed|lined up|set up|pencil+ed in"
    r"|in the (?:diary|calendar)|on the (?:calendar|cards)"
)
"""Words right after "had a meeting" that make it a plan ("we had a call booked for
Monday"); not after another word ("we had a call and set up goals")."""

HELD_AS_PLANNED: Final = (
    rf"(?:meeting|call|chat|catch up|session|coffee) (?:was |were )?(?:{_PLANNED_AFTER})"
    r" (?:[\w']+ ){0,4}?(?:and|so) (?:it|that|the (?:meeting|call|chat|session))"
    r" (?:went|was) (?:really |very |so |super )?(?:well|great|good|fine)\b(?! (?:to|that)\b)"
)
"""A meeting booked that then went well ("we had our call scheduled for Monday and it went
well"): the booking happened, so it reports the meeting. Only with "and" or "so" and the
meeting as the subject of "went well" in the same clause: after "but" ("but she cancelled
it") or a comma ("cancelled, her interview went well") it says nothing of the meeting, nor
does "it was good to hear from her"."""

_ABOUT_MEETING: Final = (
    r" about (?:\w+ )?(?:meeting|meet|getting together|catching up)"
    r"(?= (?:up|again|on|in|at|soon|next|this|tomorrow|sometime|more|regularly|online)\b"
    r"| ?[,.!?]|$)"
)
"""What follows "talked" or "spoke" when it was about meeting ("talked about meeting on
Friday", "about meeting up"), not a meeting; "talked about meeting her deadlines" and
"spoke about meeting expectations" are one."""

_MET_A_GOAL: Final = (
    r" (?:the|our|all|every|her|my|its|their) (?:\w+ )?(?:requirements?|deadlines?|targets?"
    r"|goals?|expectations?|criteria|standards?|quota|minimum)\b"
)
"""What follows "met" when it means reached ("we met the deadline", "met our target"): no
meeting."""

_OTHERS: Final = (
    r"(?:ceo|cto|cfo|vp|manager|boss|director|head|lead|supervisor|recruiters?|hr|team"
    r"|colleagues?|coworkers?|clients?|customers?|investors?|founders?|professor|teacher"
    r"|panel|committee|board|parents?|family|friends?|mum|mom|mother|dad|father|sisters?"
    r"|brothers?|husband|wife|coordinators?|organi[sz]ers?"
    r"|(?:(?<=\bown )|(?<=\bother )|(?<=\banother )|(?<=\bformer )|(?<=\bprevious ))"
    r"(?:mentors?|mentees?))"
)
"""People other than the pair, named by their role: a mentor or mentee is never one (nor is
a "partner", as often a mentoring partner), unless the writer's own, another or a former
one ("I met my own mentor yesterday", "a call with my other mentee"); the program's
coordinator is one."""
_WHOSE: Final = r"the|our|her|his|their|my|your"
_WHICH: Final = rf"{_WHOSE}|a|an|some|two|three|several|other|another"
"""The words before a role that make it someone's ("her manager"), or any ("a recruiter")."""
_SOMEONE_BY_ROLE: Final = rf"(?:{_WHOSE}) (?:\w+ )?{_OTHERS}"
"""Someone else named by whose role it is: "her manager", "the team lead", "our CEO"."""
_SOMEONE_ELSE_AFTER_MET: Final = rf" (?:with )?(?:{_WHICH}) (?:\w+ )?{_OTHERS}\b"
"""What follows "met" when someone else was met ("Ada met the CEO", "I met her manager", "we
met with the recruiter"): it says nothing of the pair meeting."""
MET_SOMEONE_ELSE: Final = rf"(?<!\bon )(?<!\bil )(?<!\belle )met{_SOMEONE_ELSE_AFTER_MET}"
"""Someone else met (`_SOMEONE_ELSE_AFTER_MET`), which `MET` does not take for a meeting."""
OTHERS_AS_SUBJECT: Final = rf"{_SOMEONE_BY_ROLE}(?: and (?:i|me))?\W*$"
"""Someone else as the subject right before a meeting phrase, alone or beside the writer
("her team had a meeting on Monday", "our manager met on Monday", "her manager and I met on
Monday"): no report of the pair's meeting."""
OTHERS_FIRST: Final = rf"^\W*{_SOMEONE_BY_ROLE}\b"
"""A clause opening with someone else as its subject ("her manager joined for 10 minutes"):
a length in it is theirs, even in a sentence reporting the pair's meeting."""
WITH_OTHERS: Final = (
    rf"(?: (?!with\b|to\b)[\w']+){{0,3}} (?:with|to) (?:(?:{_WHICH}) (?:\w+ )?)?{_OTHERS}\b"
)
"""Someone else after a meeting phrase, a few words at most after it ("I had a call with her
manager", "I had a call on Monday with her manager", "Bo spoke to HR"): someone else's
meeting, unless the pair is its subject (`PAIR_AS_SUBJECT`)."""
WITH_OTHERS_BEFORE: Final = (
    r"mit (?:(?:der|dem|den|die|das|ihrem|ihrer|ihren|seinem|seiner|seinen|meinem|meiner"
    r"|meinen|unserem|unserer|unseren|einem|einer|zwei|drei) )?(?:\w+ )?"
    r"(?:chef|chefin|vorgesetzten|vorgesetzter|vorgesetzte|personalabteilung|personaler"
    r"|personalerin|kollegen|kollegin|kolleginnen|kollege|team|recruiter|recruiterin"
    r"|manager|managerin|teamleiter|teamleiterin|abteilungsleiter|abteilungsleiterin"
    r"|professor|professorin|lehrer|lehrerin|eltern|familie|freunden|freundin|freund"
    r"|koordinator|koordinatorin|organisator|organisatorin)"
)
"""Someone else before a German meeting phrase, whose participle comes last ("ich habe am
Montag mit ihrem Chef telefoniert"): someone else's meeting, unless "wir" is its subject."""
PAIR_AS_SUBJECT: Final = r"we|we've|we'd|us|both|and i|me and|wir"
"""Words among the last before a meeting phrase that make the pair its subject: "we had a
call with the team" was the pair's meeting, with the team beside them."""
WITHOUT_US: Final = (
    r"(?: [\w']+){0,5} (?:without|ohne|sans|sin) (?:me|us|mich|uns|moi|nous|mi|nosotros)\b"
)
"""A meeting phrase followed, in its clause, by "without me" ("they had a call on Monday
without me"): someone else's meeting."""
DOUBTED_BEFORE: Final = (
    r"vielleicht|eventuell|moglicherweise|angeblich|(?:not|cannot) (?:remember|recall)"
    r"|(?:weiss|wissen) (?:es )?nicht mehr|erinnere mich nicht|nicht (?:mehr )?erinnern"
    r"|ne (?:sai\w*|sav\w*) plus|(?:me|m'en|nous|nous en) souvien\w* (?:pas|plus)"
    r"|no (?:me |nos )?(?:acuerdo|acordamos|recuerdo|recordamos)"
)
"""Words of doubt that may stand well before the meeting phrase they doubt: German ones,
which open their clause and leave the participle at its end ("Vielleicht haben wir uns
letzte Woche getroffen"), and not remembering ("I can't remember the last time we met",
"ich weiß nicht mehr, wann wir uns getroffen haben", "je ne sais plus quand on s'est vus",
"no recuerdo cuándo nos reunimos"): anywhere before a meeting phrase in its statement, or
in the clause before one that a question word opens, they put it in doubt."""
_SAID_ALONE: Final = r"(?= *(?:[.,;:!?\n]|$))"
TAKEN_BACK: Final = (
    rf"(?:actually|well|eigentlich|en fait|bueno|en realidad),? (?:no|nope|nicht|non){_SAID_ALONE}"
    rf"|(?:or )?at least (?:we )?tried(?: to)?{_SAID_ALONE}|no,? wait"
    r"|or rather[,\n]? ?(?:we|she|he|i) (?:were|was) (?:supposed|meant|going) to"
    r"|at least (?:that's|that is|it was) what we (?:had )?(?:planned|agreed|arranged)"
    r"|(?:she|he|they|my mentee|my mentor) (?:didn't|did not|never) (?:show|turn) up"
    r"|(?:actually|well|eigentlich|en fait|bueno|en realidad)[,\n]? ?(?:she|he|they|we|it|i"
    r"|sie|er|wir|elle|il|on|nous|ella|el)"
    r" (?:\w+ )?(?:cancell?ed|called (?:it )?off|postponed|rescheduled|fell through"
    r"|did not happen|had to cancel|abgesagt|annule|cancelo|cancelamos)"
)
"""Words after a meeting's report that take it back ("We met on Monday. Actually no, it was
cancelled", "We met on Monday - or rather, we were supposed to", "or at least we tried
to", "at least that's what we had planned, but she didn't show up", "well, she cancelled
last minute"): a person reads it.
Only said alone: "actually no big news", "or rather we had a video call" tell of the
meeting. Before any report ("Actually no, we haven't met") they only say no."""
HABIT: Final = (
    r"weekly|monthly|every|each|regularly|on and off|usually|jede[nmrs]?|regelmassig"
    r"|chaque|tous|toutes|cada|todos|todas"
)
"""Words that make meetings a habit ("we met every Monday", "we've been meeting weekly",
"nos reunimos todos los lunes"): beside a reply asking to pause or end they sum up the
mentoring, and the day they name is no one meeting's."""
SUMS_UP: Final = (
    rf"{HABIT}|most|often|sometimes|months?|weeks|summer|winter|spring|autumn|term|semester"
    r"|before|once|never|ever|start|beginning|kick ?off|at first"
    r"|year|sort of|kind of|oft|manchmal|monate?n?|sommer|fruhling|herbst|jahr|souvent"
    r"|parfois|mois|ete|hiver|printemps|automne|annee|a menudo|a veces|mes(?:es)?|verano"
    r"|invierno|primavera|otono|ano"
)
"""Words that, beside a "we met" with no day in a reply asking to pause or end, sum up the
mentoring ("we met in November", "we met before the summer", "we've met before", "we only
met once, at the start") rather than answer the
check-in ("We met, and we'd like to pause until January"): that meeting is not logged."""
ASKED_WHICH: Final = (
    r"when|wann|quand|cuando|how long|wie lange|combien de temps|cuanto tiempo|where|wo|donde"
    r"|how often|wie oft|which day|an welchem tag|quel jour|que dia"
)
"""Question words that open a clause asking what a clause before it does not remember
("Ich weiß nicht mehr, wann wir uns getroffen haben")."""

MET: Final = (
    rf"{MANAGED_TO_MEET}|{MANAGED_BY_ANYONE}"
    rf"|(?<!\bon )(?<!\bil )(?<!\belle )met+(?!{_MET_A_GOAL}|{_SOMEONE_ELSE_AFTER_MET})"
    rf"|met up|caught up|got together|hung out|talked(?!{_ABOUT_MEETING})"
    r"|(?:we've|we have) (?:\w+ )?been meeting"
    rf"|spoke(?!{_ABOUT_MEETING})|chatted|connected"
    r"|(?:had|held|did|grabbed|have had|'ve had|hatten|hatte|managed(?= an? )|squeezed in"
    r"|fitted in)"
    rf" (?!such\b)(?:(?:\w+ ){{0,2}}(?:{LENGTH}) (?:\w+ )?"
    rf"|(?:(?!(?:{_PLANNED_FIRST})\b)\w+ ){{0,3}})"
    r"(?:meeting|call|chat|catch up|session|coffee|lunch|breakfast|dinner|talk|conversation"
    r"|video call|zoom|sync|1:1|one on one|walk|meetup|treffen|gesprach|telefonat|kaffee"
    rf"|austausch|termin|videocall|mittagessen)s?(?! (?:{_PLANNED_AFTER})\b)"
    r"|getroffen|trafen|uns (?:\w+ ){0,2}gesehen|gesprochen|telefoniert|unterhalten"
    r"|ausgetauscht|stattgefunden"
    r"|(?:s'est|s'etait|sommes|se sont) (?:\w+ ){0,2}(?:vus?|vues?|rencontres?|rencontrees?"
    r"|parles?|retrouves?|retrouvees?|reunis?|appeles?|croises?)"
    r"|(?:avons|avions|on a|j'ai) (?:eu|fait) (?:\w+ ){0,2}(?:reunion|rencontre|seance|session"
    r"|appel|rendez vous|rdv|cafe|dejeuner|echange|point|visio|entretien|discussion)"
    r"|(?:avons|on a) (?:\w+ )?(?:discute|parle|echange|dejeune|dine|pris un cafe)"
    r"|wir (?:waren|gingen) (?:\w+ ){0,3}(?:mittagessen|essen|kaffee trinken|spazieren)"
    r"|(?:zusammen|gemeinsam) (?:\w+ ){0,2}(?:gegessen|kaffee getrunken)"
    rf"|{MET_SPANISH}"
)
"""A meeting reported in the past tense; a negation before it turns it into "not met". Not
French "on met le CV en pause" ("we put"). "Managed a call" only with "a" or "an" ("I
managed the team meeting" is work); not "fit in a call", as often a plan. German "waren
essen" only with "wir" ("Sie waren essen" is theirs, or a formal "you")."""

NEGATION: Final = (
    r"not|never|no|nicht|nie|kein|keine|keinen|pas|jamais|ne|nunca|jamas|sin|ohne|without"
    r"|sans|yet to|n'\w+|cancel\w*|postpon\w*|reschedul\w*|missed|skipped|abgesagt"
    r"|verschoben|annule\w*|reporte\w*|cancel\w*|pospu\w*|aplaz\w*"
)
"""Words that negate a reported meeting when they come just before it (or inside it),
including calling it off ("we had to cancel our meeting")."""

UNREAD_NEGATED_MET: Final = (
    rf"(?:nao|nem) (?:{MET_SPANISH})|(?:niet|geen|nooit)(?: (?!and\b)\w+){{0,3}} met"
)
"""A meeting phrase we read, negated just before it in a language we do not: Portuguese
("ainda nao nos encontramos", which alone reads as Spanish) or Dutch, where "met" means
"with" ("nog niet met elkaar gesproken", "nog geen gesprek met haar gehad"). Such a report is
unclear, never a meeting. The Portuguese word counts only right before the verb, so a name
before "met" ("EJ and I met", "Nao met me") is no negation; the Dutch ones may stand a few
words before "met", but not before an English "and" ("Geen and I met": a name)."""

SO_ADVERB: Final = r"far|long|much|many|often|little|few|soon"
"""Words after which "so" is an adverb ("not so far", "so long"), not "therefore": it opens
no new statement, so a negation before it still reaches the "met" after it."""

AFTER_THE_MEETING: Final = r"again|wieder|seitdem|de nuevo|otra vez|desde entonces"
"""Words saying a "not met" is about the time after the meeting our email named ("we
haven't met again", "seitdem nicht", "desde entonces no"; `meaning` adds "since" and
"depuis" ending their clause): no denial of that meeting. Not "yet": "not yet" to a
confirmation denies it."""

CORRECTING: Final = (
    r"only|just|actually|not|nur|eigentlich|bloss|seulement|juste|en fait|solo|solamente"
    r"|en realidad"
)
"""Words that give a length as a correction ("we only met for 15 minutes", "30 minutes,
not 45", "nur 20 Minuten")."""

IT_WAS: Final = (
    r"(?:it was|it's|that was|es war|war es|das war|c'etait|ce fut|fue|era)(?: actually| eigentlich"
    r"| en fait| en realidad)?(?: on| am| le| el)?"
)
"""Words opening what did happen, after a "not met": "it was Wednesday", "es war Mittwoch",
"c'était mercredi", "fue el miércoles"."""

_MEETINGS: Final = (
    r"meetings|calls|sessions|chats|catch ups|coffees|conversations|video calls|zoom calls"
    r"|lunches|treffen|gesprache|telefonate|termine|rencontres|reunions|appels|seances"
    r"|reuniones|llamadas|sesiones|charlas"
)
MORE_THAN_ONCE: Final = (
    r"(?:twice|(?:two|three|four|five|several|a few|a couple of|multiple|many|2|3|4|5) times"
    r"|(?:two|three|four|five|several|a few|a couple of|multiple|2|3|4|5|zwei|drei|vier"
    r"|mehrere|ein paar|deux|trois|quatre|plusieurs|quelques|dos|tres|cuatro|varias|varios"
    rf"|unas cuantas) (?:(?!more|mehr|autres|mas)\w+ )?(?:{_MEETINGS})"
    r"|zweimal|dreimal|viermal|mehrmals|mehrfach|ein paar mal|(?:deux|trois|quatre|plusieurs"
    r"|quelques) fois|(?:dos|tres|cuatro|varias) veces|un par de veces)"
    r"(?! (?:a|per|each|every|pro|im|in der|par|au|al|a la|por) (?:week|month|year|woche"
    r"|monat|semaine|mois|semana|mes))"
    r"(?! (?:planned|scheduled|booked|left|to go|coming up|geplant|prevus|prevues|planeadas"
    r"|programadas))"
)
"""More than one meeting, counted ("we met twice", "we had two calls", "zweimal", "deux
fois", "dos veces"): one logged meeting would undercount them, so a person logs each. Not a
habit ("twice a month") nor meetings to come ("two more sessions", "two calls planned")."""

SINCE_LAST: Final = (
    r"since (?:the |our |your |my )?last (?:time|(?:\w+ )?(?:check in|checkin|email|e mail|mail"
    r"|message|meeting|call|chat|session|one|reminder))|since we last (?:\w+ )?"
    r"(?:spoke|talked|met|wrote|chatted|emailed|heard)"
    r"|seit (?:dem|unserem|ihrer|deiner|der|unserer) letzten (?:mal|treffen|mail|e mail"
    r"|nachricht|gesprach|erinnerung)"
    r"|depuis (?:la|notre|votre|ta) derniere (?:fois|rencontre|seance|reunion)"
    r"|depuis (?:le|notre|votre|ton) dernier (?:mail|message|rendez vous|echange|point)"
    r"|desde (?:la|nuestra|tu|su) ultima (?:vez|reunion|sesion|llamada)"
    r"|desde (?:el|nuestro|tu|su) ultimo (?:correo|mensaje|encuentro)"
)
"""Since the last check-in, as a pair names it ("since last time", "since your last email",
"seit dem letzten Mal", "depuis la dernière fois"): after "not" an answer to the check-in's
question. Not "since Tuesday": "not since Tuesday" says they met on Tuesday."""
_NONE: Final = r"not|nothing(?: new)?|nicht|nichts|pas|rien|nada|no"

NOT_MET: Final = (
    r"^(?:\w+ ){0,2}not (?:yet|this time|this round|this month|this week|so far|really)"
    rf"|^(?:\w+ ){{0,2}}(?:{_NONE}) (?:{SINCE_LAST})|^(?:{SINCE_LAST}) (?:{_NONE})(?: |$)"
    r"|not yet$|nope|nah"
    r"|^(?:sadly|unfortunately|alas|sorry|leider|malheureusement|lamentablemente"
    r"|desafortunadamente) (?:no|nope|nein|non|not)$"
    rf"|(?:not|unable|failed|yet) (?:(?!(?:and|und|et|y)\b|so\b(?! (?:{SO_ADVERB})\b))\w+ ){{0,4}}"
    r"(?:meet|met"
    r"|catch up|get together|find (?:a |the |any )?time)"
    r"|(?:not|never) (?:happen|take place)"
    r"|not (?:had|have|get|got|found) (?:a |the |any )?(?:chance|time|opportunity)"
    r"|no (?:meeting|luck|chance) (?:yet|so far)"
    r"|^(?:\w+ ){0,2}noch nicht|noch nicht$|noch (?:kein|keine|keinen|nie)|leider nicht"
    r"|diesmal nicht|^nicht wirklich"
    r"|(?:nicht|nie) (?:\w+ ){0,4}(?:getroffen|treffen|gesehen|gesprochen|geschafft|geklappt)"
    r"|kein(?:e|en)? (?:\w+ )?(?:treffen|gesprach|termin)"
    r"|pas encore|toujours pas|pas (?:cette fois|ce mois|ce tour|pour l'instant|pour le moment)"
    r"|pas (?:pu|eu|reussi|trouve)|malheureusement non"
    r"|todavia no|aun no|no todavia|todavia nada|esta vez no|lamentablemente no"
    r"|no (?:\w+ ){0,3}(?:pudimos|hemos podido|logramos|hemos logrado|fue posible"
    r"|ha sido posible)"
)
"""Not met yet, said outright; a negation a few words before "met" counts only within one
statement, not across "and" or "so" ("Tuesday didn't work out so we met Wednesday")."""

PLANNED: Final = (
    r"(?:we're|we are|we will|we'll|we plan to|we're planning to|we are planning to|going to"
    r"|scheduled to|planning to) (?:(?:\w+ ){0,2}(?:meet|meeting|catch up)"
    r"|(?:\w+ )?(?:have|having|hold|holding|grab|grabbing|do|doing) (?:\w+ ){0,2}"
    r"(?:call|chat|coffee|session|lunch|catch up|meeting|zoom))"
    r"|(?:meeting|call|session|chat) (?:is )?(?:scheduled|planned|booked)"
    r"|(?:treffen|sehen) uns(?! (?:\w+ )?(?:regelmassig|alle|jede|jeden|wochentlich"
    r"|monatlich|zweimal|einmal|immer|meistens|oft))"
    r"|werden uns (?:\w+ ){0,3}treffen|treffen ist (?:\w+ )?geplant"
    r"|(?:allons|va|vont) nous (?:voir|rencontrer|reunir)|on va se (?:voir|parler|rencontrer)"
    r"|nous nous verrons|on se verra|rendez vous (?:est )?prevu"
    r"|vamos a (?:reunirnos|vernos|juntarnos)|nos (?:reuniremos|veremos|juntaremos)"
    r"|cancel(?:l?ed)?|postponed|rescheduled|pushed back|fell through"
    r"|(?:we've|we have) arranged (?:to (?:meet|catch up|have)|an? (?:\w+ )?(?:call|meeting"
    r"|session|chat|coffee|catch up))"
    r"|(?:mussten|musste|muss|mussen) (?:\w+ ){0,3}(?:absagen|verschieben|ausfallen lassen)"
    r"|(?:du|dus) (?:\w+ )?(?:annuler|reporter|decaler)"
    r"|(?:tuvimos|tuve|hemos tenido) que (?:\w+ )?(?:cancelar|posponer|aplazar|reprogramar)\w*"
    r"|abgesagt|verschoben|annule|annulee|reporte|reportee|cancelad[oa]|cancelamos"
    r"|pospuest[oa]|aplazad[oa]|reprogramad[oa]"
)
"""A meeting still to come ("we'll meet", "we'll have a call next week", "we have a call
scheduled"), or called off: "not met yet" when nothing else is reported. German "wir treffen
uns" is as often a habit ("regelmäßig", "alle zwei Wochen"), which is no plan."""

SKIP: Final = (
    r"skip|skipping|pass on (?:this|the) (?:one|round|time|month|check in)|sit this one out"
    r"|aussetzen|setzen (?:\w+ ){0,3}aus|uberspringen|auslassen|lassen (?:\w+ ){0,3}aus"
    r"|saute|sauter|sautons|sautez|pass(?:er|ons|e) (?:\w+ ){0,2}tour"
    r"|saltar|saltamos|saltemos|saltarnos|saltemonos|saltad|salten|saltadnos|omitir|omitimos"
    r"|pas(?:ar|amos|emos) (?:\w+ ){0,2}(?:vez|ronda|turno)"
)
"""Skip this round."""

NOT_ALL_EMAILS: Final = (
    r"needed|necessary|required|about|since|this (?:week|month|time)|to (?:my|this|that|the)"
    r"|an (?:meine|diese|die)|a (?:mi|esta)|sur (?:mon|cette)"
)
"""After "no more emails": what makes it no request to stop them all ("no more emails needed
this week", "no more emails since October", "no more emails to my work address")."""

FOR_A_WHILE: Final = (
    r"for a while|for now|for the moment|for the time being|temporarily|until|till"
    r"|for (?:a|one|two|three|a few|a couple of|\d+) (?:weeks?|months?)"
    r"|bis(?! (?:bald|dann|spater|morgen|demnachst|zum nachsten mal)\b)"
    r"|hasta(?! (?:luego|pronto|manana|la vista|siempre|la proxima)\b)"
    r"|por ahora|por un tiempo|por el momento|vorerst|erstmal|pour l'instant|pour le moment"
)
"""After "stop the emails" or "no more emails": the stop is a pause, not an end."""

PAUSE: Final = (
    r"pause|pausing|on hold|hold off|suspend"
    r"|stop (?:(?:\w+ ){0,2}(?:check ins|checkins|reminders|emails|e mails|mails)"
    r"|(?:emailing|e mailing) (?:us|me))"
    rf"(?= (?:{FOR_A_WHILE}))|no (?:(?:more|further|mas) )?(?:{OUR_EMAILS})(?= (?:{FOR_A_WHILE})\b)"
    rf"|hold (?:the |our |all )?(?:{OUR_EMAILS})(?= (?:{FOR_A_WHILE})\b)"
    r"|keine (?:weiteren )?(?:e mails|mails|erinnerungen|nachrichten)(?: mehr)?"
    rf"(?= (?:{FOR_A_WHILE})\b)"
    r"|(?:take|taking|have|need|make) (?:a |some )?(?:short |little |small )?break"
    r"|(?:like|want) (?:a |some )?(?:short |little |small )?break"
    r"(?= (?:until|till|til|for|over|bis|jusqu'\w*|hasta)\b| *(?:[.,;!?\n]|$))"
    r"|(?:we're|we are) (?:on (?:a )?break|taking time off)"
    r"|pausieren|unterbrechen|ruhen lassen|pauser|mettre en pause|suspendre"
    r"|pausa|pausar|pausad|pausen|pausarnos|pausadnos|pausenos|en pausa|suspender"
)
"""Pause the check-ins, perhaps until a date; "stop the emails for now", "no emails till
February", "hold the reminders for a month", "no más correos hasta marzo" and "keine
Erinnerungen bis Januar" pause them too ("hasta luego", "bis bald" are goodbyes, not
until)."""

PAUSE_PAST_BEFORE: Final = (
    r"(?:after|since|during|back from|nach|seit|wahrend|zuruck aus|apres|depuis|pendant"
    r"|de retour de|despues de|desde|durante|de vuelta de)"
    r" (?:the|our|a|her|my|der|die|dem|unserer|unsere|la|notre|cette|nuestra|esta|el)"
    r"(?: \w+)? ?$"
    r"|(?:thanks|thank you|danke|merci|gracias) for (?:the|our)(?: \w+)? ?$"
    r"|(?:hatten|hatte|machten|a fait|avons fait|avait fait|avions fait|ont fait|avaient fait"
    r"|hicimos|tuvimos)"
    r"(?: (?!(?:ausgemacht|vereinbart|abgesprochen|besprochen|geplant|prevu|convenu|acordado"
    r"|planeado)\b)\w+){0,2} (?:eine|une|una)(?: \w+)? ?$"
    r"|(?:had|took) (?:a|an|our|the)(?: \w+)? ?$"
    r"|(?:we|it|mentoring|mentorship|programme|program|pairing) (?:were|was) ?$"
)
"""Words right before a pause that make it one that was ("after our pause", "during the
break", "back from our pause", "nach unserer Pause", "wir hatten im Sommer eine Pause", "on a
fait une pause", "después de la pausa", "we had a pause in the summer", "we were on hold
until mid-November", "thanks for the pause last month"): no request. Not "nach
Rücksprache Pause bis März", "desde hoy en pausa", "wir hatten ausgemacht, eine Pause
einzulegen", nor "were on hold until March", "we're" typed without its apostrophe."""

PAUSE_OVER: Final = (
    r"(?: (?!(?:until|till|til|bis|jusqu\w*|hasta|for|from|ab|des|desde|is|ist|est|es)\b)"
    r"[\w']+){0,3}?"
    r" (?:(?:is|was|has been|has|ist|war|est|etait|a ete|ha|ha sido|fue)"
    r" (?:now |already |finally |officially |schon |jetzt |deja |ya )?(?:over|ended|finished"
    r"|done|behind us|vorbei|beendet|zu ende|terminee?|finie?|terminad[oa]|acabad[oa])"
    r"|(?:was|has been|war|etait|a ete|fue|ha sido) (?:really |very |so |sehr |tres |muy )?"
    r"(?:useful|helpful|good|great|hilfreich|gut|utile|util|buena)"
    r"|helped|went well|did us good|hat (?:uns )?gut ?getan|nous a fait du bien"
    r"|nos (?:vino|ha venido) (?:muy )?bien)\b"
    r"| (?:ended|finished|over(?= *$))"
)
"""Right after a pause, words saying it is over or was good ("the pause is over", "the
pause you set up has ended", "our pause ended on 1 November", "Pause over", "the pause was
useful", "the pause helped", "die Pause hat gutgetan", "la pause est terminée"): no
request, but news that the pair is back. Not a pause said to be good now ("a pause until
March is good for us", "Pause is good - until March, please"): that takes the offer."""

SKIP_NEGATED: Final = (
    r"(?:did not|do not|does not|never|not|no|nicht|pas|nunca|jamais)"
    r"(?: (?:really|actually|even|ever|wirklich|vraiment))? ?$"
)
"""A negation right before a skip ("we didn't skip our session", "no skipping this month",
"nicht aussetzen"): no skip. Not "No please skip this round", "not yet, just skip this
month", "No time so skip please": those answer "have you met?" and then ask to skip."""

NOT_PAUSE: Final = (
    r"pause (?:cafe|dejeuner|midi|de midi)|pausa (?:para |del )?(?:el )?(?:cafe|comer|almorzar)"
    r"|pause in the middle|(?:short|brief|quick) pause in between|kaffeepause|mittagspause"
)
"""Breaks that are part of a meeting, not of the mentoring."""

_TOPIC_DETERMINER: Final = (
    r"the|our|my|your|her|his|their|this|that|these|those|den|dem|der|die|das|unser\w*|mein\w*"
    r"|le|la|les|l'|mon|ma|mes|notre|nos|son|sa|ses|el|los|las|mi|mis|nuestr\w*|su|sus"
)
_TOPIC_END: Final = (
    rf"{UNTIL}|{PAUSE_FOR}|and|or|und|oder|et|ou|y|o|because|as|since|while|so|please|now"
    r"|then|in|im|at|to|from|with|on|over|during|bis|ab|weil|car|parce|porque|jusqu'\w*"
)
_TOPIC: Final = rf"((?!(?:{_TOPIC_END})\b)[\w']+(?: (?!(?:{_TOPIC_END})\b)[\w']+){{0,4}})"
PAUSED_OBJECT: Final = (
    r"(?:pause|pausing|suspend|pausar|pauser|suspendre|suspender|pausa)"
    rf" (?:{_TOPIC_DETERMINER}) {_TOPIC}"
)
"""A pause and the object of its verb, if a determiner opens it ("pause the CV work",
"pausar el CV"; not "pause us"). Each of these `PAUSED_` sources captures only the object,
in one group; read it with `PAUSE_TOPICS`."""

_WITH_REASON: Final = (
    r"(?:[\w']+ ){1,3}(?:coming|looming|approaching|starting|going on|ahead|due)\b"
)
"""After "with", what makes it a reason: "with exams coming up", "with my thesis due"."""
PAUSED_TOPIC_AFTER: Final = (
    rf" (?:from|on(?! account\b)|with(?! {_WITH_REASON})|of|about|sur|avec|du|des|de|vom|von|mit"
    r"|beim|bei|con|del|sobre)"
    rf" (?:(?:{_TOPIC_DETERMINER}) )?{_TOPIC}"
    rf"| (?:(?:{_TOPIC_DETERMINER}) )?(?:{OUR_EMAILS}) (?:for|about|regarding|zum|zur|uber"
    rf"|pour|sur|concernant|para|sobre) (?:the|this|that|den|dem|der|die|das|le|la|les|l'"
    rf"|el|los|las) {_TOPIC}"
)
"""Right after a pause: what it is of or about ("a break from interview prep", "une pause
sur le CV"), or which emails it means ("pause the reminders for the CV workshop"). Read
with `PAUSE_TOPICS`. A reason is no object: "pause with exams coming up", "on account of
exams"."""

PAUSED_TOPIC_BEFORE: Final = (
    r"\b(?:put|putting|puts|place|placing|mettre|mettons|mettez|mets|met|mis|mise|mises|poner"
    r"|ponemos|pongamos|pon|ponga|puesto|puse|pusimos)"
    rf" (?:{_TOPIC_DETERMINER}) {_TOPIC} (?:en )?$"
    rf"|^(?:{_TOPIC_DETERMINER}) {_TOPIC} (?:is|are|est|ist|esta|estan) (?:en )?$"
    rf"|\b(?:mit|bei|beim|vom|von) (?:(?:{_TOPIC_DETERMINER}) )?{_TOPIC} $"
    rf"|(?<!wegen )(?<!aufgrund )\b(?:den|dem|der|die|das) {_TOPIC} $"
)
"""Before a pause, right before the pausing words: what is paused ("put the CV on hold",
"mit dem Lebenslauf Pause", "den Lebenslauf pausieren"; not a reason, "wegen der
Bachelorarbeit pausieren"). Read with `PAUSE_TOPICS`."""

PAUSE_TOPICS: Final = (
    r"cvs?|resumes?|cover letters?|linkedin|job\w*|careers?|applications?|applying|interview\w*"
    r"|thesis|dissertation|portfolio|coursework|course work|studies|studying|homework|essays?"
    r"|exams?|internships?|networking|lebenslauf\w*|bewerbung\w*|anschreiben|jobsuche"
    r"|abschlussarbeit|bachelorarbeit|masterarbeit|studium|praktikum|recherche d'emploi|emploi"
    r"|candidatures?|memoire|lettre de motivation|busqueda de empleo|empleo|curriculum"
    r"|candidaturas?|tesis|estudios|carta de presentacion|work|visas?|school"
    r"|uni|university|college|placements?|startups?|start ups?|side projects?"
    r"|phd|doctorate|doctorat|doctorado|doktorarbeit|promotion|etudes|degree|masters?"
    r"|ausbildung|formation|formacion"
)
"""Topics a pair works on and the member's own affairs ("the CV", "the job search",
"interview prep", "den Lebenslauf", "la recherche d'emploi", "work", "her visa"): a pause
whose object names one is a pause of that, not of the mentoring ("pause the job search",
"put the CV on hold", "a break from work"), unless `NOT_TOPICS` follow it in the object
("the career mentoring") or join it ("work and mentoring"). Any other object ("the
scheme", "our talks", "my mentee") pauses the pair, as the words are meant."""

NOT_TOPICS: Final = (
    r"mentoring|mentorship|mentorat|mentoria|programme|program|programm|scheme|initiative"
    r"|check ins|checkins|emails|e mails|mails|reminders|sessions?|meetings?|calls?"
    r"|talks|catch ups?|catchups?|pairing|partnership|coaching|together"
)
"""Words that make a pause's object the mentoring whatever names a topic before them:
"the career mentoring", "the school year check-ins", "our college mentoring scheme", "my
interview prep sessions", "the work we do together"."""

_MONTH_NAMES: Final = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
ENDED_FOR_ANOTHER: Final = (
    rf" (?:for|about|regarding|concerning|on) (?:{_TOPIC_DETERMINER})"
    rf" (?!(?:[\w']+ ){{0,2}}(?:{NOT_TOPICS}|pair|pairs|us|both)\b)"
    rf"| on (?:weekends|the weekend|(?:{_DAY_NAMES})s)\b"
    rf"| (?:for|about|regarding|concerning) (?:the|our|this|that|next)"
    rf" (?:{_DAY_NAMES}|{_MONTH_NAMES}|next|upcoming|last) (?:meeting|session|call)s?\b"
)
"""Right after an end: that it is an end of something else's emails ("end the reminders
for the CV clinic", "stop the emails about the CV workshop"), of emails on some days only
("stop the reminders on Fridays"), or of one meeting's ("stop the reminders about our
Monday meeting"), not of the mentoring ("for the mentoring", "about our check-ins", "for
the two of us")."""

MENTORING_KEPT: Final = (
    r"^(?:(?:but|and) )?(?:(?:we|i) (?:want|would like|'d like) to )?(?:not|keep|keeping"
    r"|continue|continuing)(?: with)? (?:the|our) (?:mentoring|mentorship|check ins|checkins"
    r"|meetings|sessions|pairing)(?: please)?$"
)
"""A whole clause keeping the mentoring beside an end ("..., but keep our check-ins", "...,
not the mentoring"): the end is of something else, so a person reads it."""

OBJECT_AND: Final = r"and|or|und|oder|et|ou|y|o|as well as|plus"
"""What joins a paused object to the next one it is listed with: "a break from work and
mentoring", "from uni and the programme"."""

_OUR_PROGRAM: Final = (
    r"mentorship|mentoring|pairing|partnership|(?:(?<!\w )|(?<=\bthe )|(?<=\bour )"
    r"|(?<=\bthis )|(?<=\bmy )|(?<=\bmentoring )|(?<=\bmentorship ))(?:program|programme)"
)
"""The mentoring as ended ("our program is over", "the mentoring ended"): a program named
for something else ("the coding program", "her internship program") is another one."""

END: Final = (
    r"(?:end|ending|stop|stopping|finish|close|conclude|terminate|wrap up"
    r"|cancel|discontinue|quit) (?:\w+ ){0,2}"
    r"(?:mentorship|mentoring|pairing|program|programme|partnership|relationship|check ins"
    r"|checkins|reminders|emails|e mails|mails|participation)"
    r"(?! (?:session|meeting|call|chat|conversation|catch up|hour|event)s?\b)(?!'s\b)"
    rf"(?! (?:{FOR_A_WHILE})\b)"
    r"|(?<!had )to (?:end|stop|quit|withdraw|conclude|opt out)(?: (?:it|this|things))?"
    r"(?: (?:here|now))?$"
    rf"|no {NO_MORE}(?! (?:{FOR_A_WHILE}|{NOT_ALL_EMAILS})\b)"
    r"|stop (?:(?:emailing|e mailing) (?:us|me)|sending (?:us |me )?(?:emails|e mails|reminders"
    r"|(?:these|them)(?= please|$)))"
    rf"(?! (?:{FOR_A_WHILE})\b)"
    r"|unsubscribe(?! (?:my |our |this |that |the )?(?:old|other|previous|former|work|second)\b)"
    r"(?![^\n]*@[^\n]*(?:\n[^\n]*)?\b(?:use|instead)\b)|opt out"
    r"|no longer (?:participat\w*|in the program|part of)"
    r"|remove (?:us|me) from|we(?:'re| are) (?:all )?(?:done|finished)$"
    r"|(?:done|finished) with (?:the |our |this )?(?:mentoring|mentorship|program|programme)"
    r"(?! (?:session|meeting|call)s?\b)"
    r"|take (?:us|me) off (?:the|your|this) (?:\w+ )?list"
    r"|let(?:'s| us) (?:end|stop|finish) (?:it|this|things)$"
    r"|(?:mentoring|programm|tandem|partnerschaft|zusammenarbeit|e mails|mails|erinnerungen)"
    r" (?:\w+ ){0,2}(?:beenden|einstellen|abbestellen)"
    r"|(?:beenden|einstellen) (?:\w+ ){0,2}(?:mentoring|programm|tandem|partnerschaft)"
    r"|keine (?:weiteren )?(?:e mails|mails|erinnerungen|nachrichten) mehr"
    rf"(?! (?:{FOR_A_WHILE}|{NOT_ALL_EMAILS})\b)|abmelden"
    r"|(?:terminer|arreter|finir|cloturer|on arrete|arretons|terminons) (?:\w+ ){0,2}"
    r"(?:mentorat|parrainage|programme"
    r"|binome|accompagnement|relation|echanges|emails|e mails|mails|messages|rappels)"
    r"|mettre (?:fin|un terme)|ne plus recevoir|desinscri\w*|desabonn\w*"
    r"|(?:terminar|finalizar|acabar|cerrar|concluir|terminad|terminen|finalizad|finalicen"
    r"|cerrad|cierren|dejar) (?:\w+ ){0,2}(?:mentoria|programa|relacion"
    r"|acompanamiento|correos|emails|mensajes|recordatorios)"
    r"|dar por (?:terminad|finalizad|concluid)\w*|poner fin|dejar de recibir"
    r"|dar(?:nos|me) de baja|ya no (?:queremos|necesitamos|quiero|participaremos)"
    r"|mentoria (?:ha )?(?:terminado|finalizado|concluido|acabado)"
)
"""End the mentoring relationship (or stop the emails), said unmistakably: "on arrête le
mentorat", not the participle of "on a arrêté les messages sur WhatsApp". Not unsubscribing
another address ("unsubscribe my old address", "unsubscribe bo@old.example, use this one")."""

SIGN_OFF: Final = (
    r"(?:we|let's|lets)(?:'ll| will| shall)? (?:just )?(?:end|stop|finish|quit|conclude"
    r"|wrap up)(?: it| this| things)? (?:here|now)$"
    r"|wir horen (?:hier|jetzt|damit) auf$|horen wir (?:hier|jetzt|damit) auf$"
    r"|(?:on|nous(?: nous)?) (?:s')?(?:arrete|arretons|stoppe|stoppons)(?: la| ici| maintenant)?$"
    r"|(?:lo )?dejamos aqui$|aqui lo dejamos"
)
""""We'll stop here", "wir hören hier auf", "on s'arrête là", "lo dejamos aquí", as the
pair's "we" and the whole rest of the clause ("I'll stop here" ends a letter, "wir hören
immer um sechs auf" tells a habit): an end only when nothing else is said that it could be
closing. A meeting's report or a goodbye beside it ("see you next month") make it the end of
the letter or of the meeting, not of the mentoring."""

GOODBYE: Final = (
    r"see you|see ya|talk soon|speak soon|until next time|bis bald|bis dann|bis zum nachsten"
    r"|bis nachste|a bientot|a la prochaine|a plus|hasta pronto|hasta luego|hasta la proxima"
    r"|nos vemos"
)
"""A goodbye that expects to meet again: a sign-off beside it closes only the letter."""

END_OFFERED: Final = (
    r"(?:(?:please|bitte|svp|por favor) )?end(?: (?:please|thanks|thank you|bitte|danke|merci"
    r"|gracias))?"
)
"""The whole reply, in answer to the pause-or-end email: "End" as that email suggests it,
alone or with "please" or "thanks". To any other email "End" alone is unclear."""

ENDED: Final = (
    rf"(?:{_OUR_PROGRAM}) (?:is|has|will be|has been)"
    r" (?:\w+ )?(?:over|ended|finished|complete|completed|concluded|done)"
    rf"|(?:{_OUR_PROGRAM}) (?:officially |formally )?(?:ended|finished|concluded)"
    r"|(?:we|we've|we have) (?:already |now )?(?:finished|ended|completed|concluded) (?:the |our "
    r"|this )?(?:mentoring|mentorship|program|programme)(?! (?:session|meeting|call)s?\b)"
    r"|(?:agreed|decided|want|like|going|time) to wrap (?:things |it |this )?up(?: here| now)?$"
    rf"|(?:{_OUR_PROGRAM}) (?:has|have) (?:\w+ )?run (?:its|their) course"
    r"|(?:mentoring|programm|tandem)(?: (?:beziehung|partnerschaft|programm))? ist (?:\w+ )?"
    r"(?:beendet|vorbei|zu ende|abgeschlossen)"
    r"|mentorat est (?:\w+ )?(?:termine|fini|acheve)"
)
"""The mentoring said to be over ("our mentoring ended last month", "the program is over",
"we've agreed to wrap up", "die Mentoring-Beziehung ist beendet"): an end, but beside a
meeting's report ("the program ended. We met on Monday") a person reads both."""

ENDED_BEFORE: Final = r"(?:after|since|apres avoir|despues de|tras) ?$"
"""Words right before an end that make it one that was ("after ending our first mentoring
cycle, we started a new one"): no request."""

END_WEAK: Final = r"beenden|aufhoren|terminer|arreter|terminar|finalizar|c'est fini|se acabo"
"""A bare verb for ending; it also describes meetings ("tuvimos que terminar temprano")."""

END_NEGATED: Final = (
    r"not|never|no|nobody|refuse\w*|nicht|nie|kein\w*|pas|ne|nunca|jamais|jamas|nadie|nao"
)
"""Words that, earlier in the same clause, turn an end into its opposite ("we do not want to
end it", "let's not stop")."""

END_NEGATED_INSIDE: Final = r"not|never|nicht|nie|pas|nunca|jamais|jamas"
"""The same, inside the words of the end itself ("das Mentoring nicht beenden"); not the
"keine" and "ne" that some ends are made of ("keine E-Mails mehr", "ne plus recevoir")."""

NOT_OURS_REPORTED: Final = (
    r"says|said|tells|told|whether|if(?! (?:possible|ok|okay|you (?:could|would|can)"
    r"|we (?:could|can)))"
    r"|(?<!how )(?<!what )about|how to|discuss\w*|wonder\w*|consider\w*|thinking of"
    r"|ob|sagt|sagte|meint|meinte|uber|daruber|wie man|dit|comment|dice|dijo|sobre"
)
"""Words just before an end or a pause that make it reported, asked about or a topic ("Bo
says she'll finish", "whether she should quit the program", "we talked about how to take a
break from work"): no request of the pair's, whoever says it. Not "if you could", a
request."""

NOT_OURS_SUBJECT: Final = (
    r"she|he|they|her|his|their|wants|needs|er|elle|elles|ils|son|sa|ses|leur|leurs"
    r"|ella|ellas|ellos"
)
"""A third person as the subject (or owner) of an end or a pause ("she wants to end", "her
internship program is over"): someone else's, unless the pair speaks after it."""

WONDER_REQUEST: Final = (
    r"(?:i|we)(?:'m| am| was| were| are)? wonder\w* (?:if|whether) (?:we|you)"
    r" (?:could|can|might|may)(?: \w+)? ?$"
)
"""A polite request as a wonder, right before its command ("I was wondering if we could
pause until March", "I wonder if you could pause us"): a pause is taken, as after "could we";
an end stays a wonder (`NOT_OURS_REPORTED`), for a person. Not "I wonder whether she should
quit the program"."""

OURS: Final = (
    r"please|we|i|us|you|let's|lets|wir|ich|uns|bitte|nous|on|je|vous|svp|por favor"
    r"|nosotros|yo|queremos|quiero|necesitamos|podemos"
)
"""Words that make an end or a pause the pair's own after a third person ("she and I want
to end", "as she moved abroad please end", "she needs surgery so we need a break")."""

THEREFORE: Final = (
    r"so|therefore|hence|also|deshalb|daher|darum|donc|alors|asi que|por eso|por lo tanto"
)
"""Words that open the pair's own request after a reason ("Ella está enferma así que
pausa"): what comes before them is not the command's subject."""

AND: Final = r"and|und|et|y"
"""Words joining two things said in one clause: a negation before them may not be the end's
after them ("we haven't met and would like to end it")."""

NEXT_STATEMENT: Final = rf"(?!so (?:{SO_ADVERB})\b)(?:{AND}|{THEREFORE}|then|dann|puis|luego)"
"""Words opening a new statement in a clause: a negation or a calling-off before them is not
the meeting's after them ("we cancelled Tuesday and met on Wednesday", "on a annulé mardi et
on s'est vus mercredi")."""

PAUSE_NEGATED: Final = (
    r"\b(?:not(?! yet)|never|no(?! todavia)|(?<!noch )nicht|kein\w*|nie|weder|pas(?! encore)"
    r"|ne|ni"
    r"|nunca|jamais|jamas)"
    r"(?: (?!(?:met|meet|getroffen|please|bitte|svp|yet|encore|and|und|et|y|so|donc|also"
    r"|alors|asi)\b)[\w']+){0,3} ?$"
)
"""A negation at most three words before a pause, matched on the words before it ("no
need to pause", "we don't want to pause", "keine Pause", "ne voulons pas faire de
pause", "no queremos pausar"): no pause. Not "not yet", "we haven't met, please", nor a
negation across "and" or "so" ("wir haben keine Zeit und möchten pausieren")."""

_LENGTH: Final = (
    r"days?|weeks?|months?|tagen?|wochen|monaten?|jours?|semaines?|mois|dias?|semanas?|meses"
)

LATER_OPENS: Final = (
    r"^\W*(?:(?:from|starting|beginning|ab|a partir de|des) (?:the |dem |den |le |l'|el |la )?)?"
    r"(?:next|this coming|nachste\w*|prochain\w*|proxim\w*) \w+"
    r"|^\W*(?:from|starting|beginning|ab|a partir de|des) (?:the |dem |den |le |l'|el |la )?"
    r"(?:new year|" + "|".join(MONTHS) + r")\b"
)
"""A later time opening the statement of an end, a pause or a skip ("Next month we'll need
to pause", "From next year on we'd like to stop the mentoring", "Ab Januar möchten wir
pausieren"): said for later. Other times there tell why ("She moves to Canada next month,
please end it", "After 12 sessions we'd like to end the mentoring")."""

NEITHER_NOR: Final = r"(?:weder|noch|ni)(?: [\w']+){0,2} ?$"
""""Neither ... nor" right before an end ("wir wollen weder pausieren noch beenden", "ni
arrêter ni faire de pause"): a refusal. Not "Sie hat weder Zeit noch Energie und möchte das
Mentoring beenden"."""

HEDGED: Final = (
    rf"{MAYBE}|might|probably|likely|at some point|sooner or later"
    r"|(?:we|i|she|he|they|it) may(?! \d)"
    r"|wahrscheinlich|irgendwann|probablement|eventuellement"
    r"|a lo mejor|probablemente|posiblemente|puede que"
)

HEDGED_AFTER: Final = (
    r"^(?: [\w']+){0,2}? (?:at some point|some ?time|sooner or later|irgendwann|a un moment"
    r"|en algun momento)\b"
)
"""Words within a few after a pause or an end that leave its time open ("we'd like to
pause at some point in January"): a person arranges it. Further on they tell of something
else ("beenden, weil wir uns irgendwann nichts mehr zu sagen hatten")."""
"""Words before an end, a pause or a skip in its statement that make it tentative ("we
might end the mentoring soon", "we'll probably skip December", "perhaps a pause until March
would make sense", "eventuell machen wir ab Januar eine Pause"): a person asks what the pair
wants. After the request they qualify something else ("please skip this round as she's
probably travelling"), and `POLITE_HEDGE`s are only polite. Not "I'll have to end the
mentoring", a decision."""

POLITE_HEDGE: Final = (
    r"(?:perhaps|maybe|possibly) (?:you|we) (?:could|can|might)"
    r"|(?:could|can|would|might) (?:you|we) (?:perhaps|maybe|possibly)"
    r"|(?:could|can) (?:perhaps|maybe|possibly)"
    r"|(?:koennten|konnten|konnen|wurden) (?:sie|wir)(?: \w+)? (?:eventuell|vielleicht)"
    r"|pourriez vous peut etre|(?:podrian|podriais|podria) (?:quizas|tal vez)"
)
"""A hedge that only softens a request ("Perhaps you could pause us until February",
"Could you possibly end the mentoring", "Könnten Sie uns eventuell bis März pausieren")."""

CONDITION: Final = (
    r"if|unless|in case|falls|wenn|sofern|au cas ou|a moins que|en caso de|a menos que"
    r"|si(?= (?!(?:por favor|gracias|claro|senor)\b)[^\W\d_])"
)
"""Words that make an end, a pause or a skip hang on something: opening a clause before it
in its sentence ("If we don't hear from her by Christmas, please end the mentoring",
"falls sie die Stelle bekommt, beenden wir es") or in its own statement ("we'll end it if
she gets the job"): a person decides when it applies. A "si" that answers yes ("Sí, por
favor") is none; nor are `POLITE_CONDITION`s."""

POLITE_CONDITION: Final = (
    r"if (?:at all )?possible|if (?:you|we) (?:can|could|may|would|do not mind|don't mind)"
    r"|if (?:that|it|this)(?:'s| is| would be)? (?:ok|okay|alright|all right|fine|possible"
    r"|works|easier|not too (?:late|much))|if that works|if you (?:please|like|prefer)"
    r"|if not too late|if needed|if necessary|if (?:i'm|i am) honest|even if|as if|if only"
    r"|(?:let|tell) (?:me|us|you) know if|not sure (?:if|whether)|wonder\w* if"
    r"|in case you (?:were |are )?wonder\w*"
    r"|wenn (?:es )?(?:moglich|geht)|falls moglich|wenn das (?:geht|moglich ist|ok ist)"
    r"|wenn (?:ich|wir) ehrlich (?:bin|sind)|wenn (?:es|das) (?:ihnen|dir|euch) recht ist"
    r"|si (?:c'est |cest )?possible|si vous (?:pouvez|le voulez)|si cela vous convient"
    r"|si es posible|si se puede|si (?:puede|pueden|podeis|pudieras|pudierais)"
    r"|si (?:os|le|les|te) parece bien|no se si|je ne sais pas si|(?:me|nous) demand\w* si"
)
"""Conditions said only out of politeness or about something else ("please pause us until
March if possible", "I wonder if we could pause", "let us know if you need anything", "if
I'm honest", "even if it's early", "not sure if she told you"): the request stands."""

WISHED_BEFORE: Final = (
    r"(?:was|were) tempted to"
    r"|(?:wanted|had wanted|did want) to(?! (?:just |quickly |briefly )?(?:ask|check|see|let|say"
    r"|tell|request|inform|confirm|write|give|update|mention|share|reach|follow|drop|send"
    r"|know)\b)"
    r"|(?:was|were) (?:going|about) to(?! (?:write|reply|answer|say|tell|let|get back)\b)"
    r"|asked (?:if|whether)|suggested|mentioned|proposed|wrote that|said that"
    r"|(?:ignore|disregard) (?:my|our|the) (?:last|previous|earlier) (?:email|message|mail|reply)"
    r"|(?:the |your )?(?:offer|suggestion|idea) (?:to|of)"
    r"|(?:wollte|wollten|wolltest)(?! (?:\w+ ){0,2}(?:fragen|sagen|bescheid|mitteilen|schreiben"
    r"|informieren|melden|bitten)\b)"
    r"|vorgeschlagen|schlug (?:\w+ )?vor|gefragt|fragte"
    r"|(?:voulait|voulais|voulions|allais|allait|allions)"
    r"(?! (?:vous |te |lui )?(?:demander|dire|informer|ecrire|prevenir|signaler)\b)"
    r"|(?:m'a|a|avait) demande si|demandait si|(?:m'a|a|avait) propose"
    r"|(?:iba a|ibamos a|queria|queriamos)"
    r"(?! (?:pediros|pedirles|pedirle|preguntaros|preguntarles|avisaros|avisarles|deciros"
    r"|decirles|informaros|informarles)\b)"
    r"|pregunto si|me pregunto|propuso|sugirio"
)
"""Words before an end, a pause or a skip in its statement that make it a wish had or
reported, not a request made now ("I was going to pause us", "she asked if we could
pause", "my mentee suggested ending", "ignore my last email asking to end it", "Mein Mentee
wollte das Mentoring beenden", "Mon mentoré voulait arrêter", "I was going to ask for a
pause"). Not a request introduced ("I just wanted to let you know we'd like to end the
mentoring", "I was going to write sooner: please pause us", "Je voulais vous demander une
pause", "Quería pediros una pausa"), nor one that refers back (`POLITE_REFERENCE`)."""

POLITE_REFERENCE: Final = (
    r"as (?:(?:you|i|we|she|he|they|the coordinator) )?(?:had )?(?:suggested|mentioned"
    r"|proposed|discussed|said)(?: (?:to you|on the phone|before|earlier|last time))?"
    r"|as per (?:my|our) (?:\w+ )?(?:email|message|mail)"
    r"|wie (?:von ihnen |besprochen |erwahnt )?(?:vorgeschlagen|besprochen|erwahnt)"
    r"|comme (?:vous l'avez |convenu |indique )?(?:propose|convenu|indique|dit)"
    r"|como (?:sugirio|propuso|dijo|comentamos|hablamos)"
)
"""A request that refers back ("As you suggested, we'd like to pause until March", "As I
mentioned on the phone", "Wie von Ihnen vorgeschlagen", "Comme vous l'avez proposé", "Como
sugirió la coordinadora"): made now."""

WITHDRAWN: Final = (
    r"(?:(?:oh|ok|okay|well|actually|so|but) )?never ?mind"
    r"|(?:we(?:'ve| have)?|i(?:'ve| have)?) (?:changed (?:our|my) minds?|decided (?:not to|against"
    r" it))(?: (?:after all|now))?"
    r"|(?:i|we) (?:said no|declined|refused)|(?:i|we) talked (?:him|her|them|me) out of it"
    r"|(?:j'ai|on a|nous avons) dit non|(?:le|les) dije que no|ich habe nein gesagt"
)
"""A whole clause that takes back an end, a pause or a skip asked for before it ("...,
but never mind", "We've changed our minds!", "she asked if we could pause - I said no"):
after "but" in the same sentence the request is gone; anywhere else after it a person
reads the request. Only the whole clause: "never mind the survey", "she changed her mind
about a career in law" and "I said no to the extra shifts" take nothing back."""

WITHDRAWN_AFTER_BUT: Final = (
    r"not any ?more|not anymore|(?:das )?hat sich erledigt"
    r"|(?:that|it)(?:'s| is) no longer (?:needed|necessary)"
    r"|(?:(?:wir )?(?:\w+ ){0,4}(?:und|and) )?(?:wir )?machen (?:doch )?weiter"
    r"|(?:(?:\w+ ){0,5}et )?on continue|finalement non|ya no hace falta"
    r"|(?:(?:\w+ ){0,5}y )?(?:seguimos|continuamos)(?: adelante)?"
)
"""A whole clause after "but" that takes back a request before it in its sentence ("I did
want to cancel the mentoring at one point, but not any more", "but that's no longer
needed", "aber hat sich erledigt",
"aber wir haben gesprochen und machen weiter", "mais on en a parlé et on continue", "pero
ya no hace falta"). Not "aber danach machen wir weiter" (after the pause), "mais on continue
à échanger sur LinkedIn", nor "Seguimos sin vernos" (we still haven't met)."""

LATER_TIME: Final = (
    r"(?<!')(?:(?:in|from|over|starting(?: in| from)?|beginning(?: in)?|after|ab|im|von|nach"
    r"|a partir de|des|apres|desde|en|au|aux|despues de) (?:the |dem |den |le |l'|el |la )?"
    r"(?:then|dann|new year|summer|spring|autumn|fall|winter|sommer|fruhling|fruhjahr|herbst"
    r"|ete|printemps|automne|hiver|verano|primavera|otono|invierno|christmas|holidays|easter"
    r"|weihnachten|ostern|noel|navidad|next|nachste\w*|prochain\w*|proxim\w*"
    rf"|\d+(?! (?:{_LENGTH})\b)|" + "|".join(MONTHS) + rf")|in \d+ (?:{_LENGTH})"
    r"|(?:next|this coming) (?:year|month|spring|summer|autumn|fall|winter|term|semester)"
    r"|nachste\w* (?:jahr|monat)|(?:l'annee|le mois) prochaine?|el (?:ano|mes) que viene"
    r"|(?:at|by) the end of|(?<!\bbis )(?<!\bzum )(?:ende|anfang) (?:des )?(?:jahres|monats|"
    + "|".join(MONTHS)
    + r")|(?<!jusqu')a la fin (?:de|du)|a (?:finales|principios) de"
    r"|after (?:our|the) (?:final|last|next) (?:session|meeting|call))\b"
)
"""A later time a pause or an end is said to start at, right before, inside or right after
it ("we'll take a break in January", "could we pause from then until September", "ab März
pausieren", "das Mentoring im Juni beenden"): they take effect when asked for, so only a
person can arrange these. Not a length ("eine Pause von 2 Monaten")."""

COMMAND_OBJECT: Final = (
    r"it|this|us|the|our|my|all|now|mentoring|mentorship|program|programme|pairing"
    r"|check ins|checkins|reminders|emails|e mails|mails|das|die|unser\w*|le|la|les|notre|nos"
    r"|el|nuestra|mentorat|mentoria"
)
"""Words between a command and a later time that still tie the time to it ("end the
mentoring in June"); anything else ("pause and restart in January", "end the mentoring as
she found a job in October") does not."""

KEEP_GOING: Final = (
    r"(?:keep going|carry on|go on|continue|weitermachen|weiter machen|fortfahren|continuer"
    r"|poursuivre|seguir|continuar)(?: (?:with )?(?:it|this|the mentoring|our mentoring"
    r"|the mentorship|our mentorship|das mentoring|le mentorat|la mentoria|adelante))?"
    r"(?: please| bitte| svp| por favor)?$"
)
"""The whole end of a clause saying the mentoring goes on ("we want to keep going", "wir
wollen weitermachen", "queremos seguir"): the opposite of an end. Not "continue our
meeting", which is about a meeting."""

END_SHORT: Final = (
    r"^(?:(?:yes|ok|okay) )?(?:please )?(?:end|stop|close) (?:it|this)(?: (?:now|here|please))?$"
    r"|^(?:(?:yes|ok|okay) )?(?:please )?stop(?: please)?$"
    r"|^(?:(?:ja|oui|ok|okay) )?(?:bitte |svp |por favor )?(?:beenden|aufhoren|stoppen|arreter"
    r"|terminer|terminar|terminad|parar|parad)(?: (?:bitte|svp|por favor))?$"
)
"""A short request to end, the whole clause ("please end it", "stop please", "close it",
"Bitte beenden", "arrêter svp", "terminar por favor"): an
end on its own, but beside a bare "yes" it is not clear what the "yes" answers, and beside a
meeting's report whether it ends the mentoring or only the emails, so a person reads it.
Only the whole clause: "can we end it?", "maybe we should end it" and "I had to end it" are
not."""

SHOULD_END: Final = (
    r"(?:should|ought to) (?:just |probably |maybe |really )?(?:end|stop|finish|quit|wrap up)"
    r" (?:it|this|things)(?: (?:here|now|then))?$"
)
"""A wish to end in the pair's words, the whole rest of the clause ("I think we should just
end it"): no request to act on, but beside "we haven't met" it must not be lost, so a
person reads it."""

DISPUTE: Final = (
    r"(?:that|this|it)(?:'s| is| was) (?:all |completely |totally |actually |simply |just )?"
    r"(?:wrong|incorrect|not right|not correct|not true|not accurate|a mistake|an error"
    r"|mistaken)"
    r"|wrong (?:date|day|time)|not correct|^incorrect|^wrong"
    r"|stimmt (?:so |leider |aber |doch )?nicht|^falsch|nicht korrekt|falsches datum"
    r"|(?:das|dies|es) (?:ist|war) (?:so |leider )?(?:falsch|nicht richtig|nicht korrekt"
    r"|ein fehler|ein irrtum)"
    r"|c'est (?:\w+ )?(?:faux|inexact|une erreur)|(?:ce n'est|c'est|ce nest) pas"
    r" (?:correct|exact|vrai|juste|le cas)|^faux|pas correct|inexact|mauvaise date"
    r"|no es (?:correcto|cierto|verdad|exacto|asi)"
    r"|(?:es|eso es|esta) (?:\w+ )?(?:incorrect[oa]|equivocad[oa]|fals[oa]|un error)"
    r"|eso esta mal"
    r"|^falso|fecha equivocada"
)
"""The sender says what we have (or said) is wrong."""

PROMISE: Final = (
    r"we will|we'll|we shall|we plan to|we're planning to|we are planning to|we're going to"
    r"|we are going to|we intend to|will do|wir werden|werden wir|machen wir|nous allons"
    r"|on va|lo haremos|vamos a|lo vamos a"
)
"""A promise: "yes, we will" answers that a meeting is to come, not that one took place."""

GOING_ON: Final = (
    r"(?<!thanks )(?<!thank you )again|keep going|keep meeting|keep it up|continue"
    r"|continuing|carry on|wieder|weiter\w*|erneut|nochmal|noch einmal|continuer|(?<!pas )encore"
    r"|revoir|a nouveau|de nouveau|seguir|continuar|otra vez|de nuevo|volver a|de novo"
)
"""Said with a promise, words that the meetings go on ("yes, and we will meet again",
"wir werden uns wieder treffen", "vamos a seguir"): the yes reports a meeting. "Did"
alone is mostly "did not" and only counts right after the yes (`YES_WE_DID`)."""

YES_WE_DID: Final = r"(?:yes|yeah|yep),? we did\b(?! not)"
"""A sentence opening "yes we did", which reports the meeting that a promise says goes on
("yes we did, and we will again")."""

TRYING: Final = (
    r"try|tries|trying|tried|attempt\w*|versuch\w*|essay\w*|essai\w*|tenter|retenter"
    r"|intent\w*|look for|looking for|search\w*|suchen|weitersuchen|chercher|buscar|buscando"
)
"""Words that make going on a try for a first meeting ("we will try again", "wir versuchen
es nochmal", "we will continue to look for a date"), which reports none."""

ACCEPT: Final = (
    r"please|pls|plz|bitte|gerne|gern|danke|merci|s'il vous plait|s'il te plait|svp|volontiers"
    r"|por favor|gracias|thanks|thank you|thx"
)
"""Said with a yes, an acceptance: "yes please", "ja bitte", "oui merci" take up an offer."""

CONTRAST: Final = r"but|except|although|aber|doch|jedoch|mais|pero|sino|though|however"
"""Words after which a clause's report replaces what came before it in the sentence."""

NOT_YET: Final = r"yet|so far|noch|encore|toujours pas|todavia|aun|ainda"
"""Words saying the pair has not met at all yet: after "not yet, but" comes a plan."""

IN_WRITING: Final = (
    r"(?:by|over|via|per|through) (?:e mails?|emails?|mails?|texts?|sms|messages?|slack)"
    r"|in writing|schriftlich|par (?:e mails?|emails?|mails?|sms|messages?|ecrit)"
    r"|por (?:correo|e mails?|emails?|mensajes?|escrito)"
    r"|par textos?|por textos?"
)
"""Beside "we talked", words saying it was written, not a meeting ("talked about it for 10
minutes by email", "per Mail ausgetauscht", "échangé par mail", "par texto")."""

IN_A_CHAT_APP: Final = (
    r"(?:by|over|via|per|through|on|in|uber|par|sur|por|en) (?:slack|whatsapp|signal|telegram"
    r"|imessage|messenger|teams chat)"
)
"""Beside "we talked", a chat app ("chatted on Slack", "via WhatsApp"): written, unless its
sentence names a call or video (`CALL_OR_VIDEO`)."""

CALL_OR_VIDEO: Final = (
    r"calls?|video|voice|phone|anruf|videocall|telefon\w*|appel|visio|llamada|videollamada"
    r"|zoom|skype|facetime|webex|google meet"
)
"""Words saying talk in a chat app was spoken ("on WhatsApp video", "a 30 min call", "on
Slack and then on Zoom")."""

MET_AFTER_BUT: Final = rf"{MET}|did meet|moved it to|moved to"
"""After "we didn't meet, but", words saying the meeting took place after all ("but we did
meet Wednesday", "but moved it to Wednesday"): with a length beside them, a meeting."""

AFFIRMED: Final = r"yes|we did|did|ja|schon|oui|si"
"""After "we didn't meet on Tuesday, but", a yes for the other day ("but we did on Wednesday,
1h", "mais mercredi oui, une heure", "pero el miércoles sí, una hora"): beside a date and a
length, it says no more than they do."""

REQUEST: Final = (
    rf"(?:^|\b(?:{THEREFORE}) )(?:please |bitte |svp |por favor )?(?:can|could|may|might|would"
    r"|shall|is it ok"
    r"|is it okay|would it be ok|konnen|konnten|koennten|durfen|wurde|pouvons|pourrions|pourrait"
    r"|pouvez|pourriez|peut on|est ce qu'on peut|est ce que vous pouvez|podemos|podriamos"
    r"|puede|pueden|puedes|podeis|podria|podrian|podrias|podriais|se puede|seria posible"
    r"|(?:i|we)(?:'m| am| was| were| are)? wonder\w* (?:if|whether))"
)
"""Questions that are requests ("Can we pause until March?", "we're busy, so could you pause
us until March?"): their commands still count."""

ASKS_US: Final = (
    r"^(?:(?:why|when|how) )?(?:did|have|had|are|were|will) you|^(?:haben|hatten) sie"
    r"|^(?:hast|hattest|wirst) du|^avez vous|^as tu|^allez vous|^(?:ha|han|habeis|has) \w+do"
)
"""Questions about what we did or will do ("Did you stop the reminders?", "Are you going to
end the program in June?", "Haben Sie die E-Mails gestoppt?"): no request of the pair's."""

FUTURE: Final = (
    r"next|will|'ll|going to|gonna|plan|planning|planned|schedule|scheduled|upcoming"
    r"|tomorrow|nachste\w*|kommend\w*|werden|wollen|(?<!heute )(?<!gestern )morgen|geplant"
    r"|prochain\w*|demain|allons|vais|proxim\w*|(?<!esta )manana|vamos a|planeamos|pensamos"
    rf"|{MEETING_AHEAD}"
)
"""Words that put a sentence in the future: its dates and lengths are not the meeting's
(`PLANNED_LENGTH` does the same for a length in a clause after such words)."""

GREETING: Final = (
    r"hi|hello|hey|hiya|dear|good morning|good afternoon|good evening|greetings|hallo|liebe"
    r"|lieber|liebes|guten morgen|guten tag|guten abend|servus|moin|gruss gott|bonjour|bonsoir"
    r"|salut|coucou|cher|chere|hola|buenos dias|buenas tardes|buenas noches|buenas|estimado"
    r"|estimada|estimados|querido|querida|queridos"
)
CLOSING: Final = (
    r"thanks|thank you|thx|many thanks|cheers|best|best regards|kind regards|regards"
    r"|warm regards|all the best|br|talk soon|danke|vielen dank|viele grusse|liebe grusse"
    r"|beste grusse|herzliche grusse|mit freundlichen grussen|grusse|gruss|lg|vg|merci"
    r"|merci beaucoup|cordialement|bien a vous|bonne journee|a bientot|amities|bises|gracias"
    r"|muchas gracias|saludos|un saludo|un abrazo|abrazos|atentamente"
)
GRATITUDE: Final = (
    r"thanks?|thank you|thank u|thx|ty|tysm|many thanks|thanks a lot|much appreciated"
    r"|appreciated|cheers|great|perfect|lovely|wonderful|awesome|brilliant|fantastic"
    r"|excellent|nice|cool|super|ok|okay|noted|got it|looks good|sounds good|all good|will do"
    r"|so much|very much|a lot|again|both|all|everyone|you|and|und|et|y|danke|danke schon"
    r"|vielen dank|prima|toll|perfekt|merci|merci beaucoup|parfait|genial|gracias"
    r"|muchas gracias|perfecto|estupendo|vale|correct|that's correct|that is correct"
    r"|that's right|that is right|spot on|received|amazing|great stuff|passt|stimmt|c'est bon"
    r"|bien recu|recibido|see you|see you soon|see you next time|see you next month|bis bald"
    r"|bis zum nachsten mal|a bientot|hasta pronto|team|looking forward|to the next one"
    r"|freut mich|que bien"
)
"""The words of a reply that only thanks or approves ("Thanks!", "Perfect, thank you so
much", "That's correct, thanks", "Danke!", "Passt, danke", "Merci beaucoup"), with whom it
thanks and a goodbye ("See you next month"): to an email that asked nothing it
acknowledges it."""
NOT_A_NAME: Final = (
    r"stop|stopp|pause|end|ende|skip|later|unsubscribe|cancel|remove|quit|done|finished"
    r"|over|enough|schluss|fin|arret|basta|baja|alto|yes|no|not|nope|ja|nein|oui|non|si"
)
"""Capitalised words after thanks that are no one's name ("Thanks!\nStop"): a request or an
answer, which a person reads."""
COURTESY: Final = (
    r"(?:(?:no|nein|non|nee),? )?(?:no (?:problem|problems|prob|worries|worry|doubt|question)"
    r"|kein problem|keine sorge|keine frage|kein zweifel|ohne zweifel|pas de (?:probleme"
    r"|souci|soucis)|aucun doute|sans aucun doute|no hay problema|sin problema|sin duda|de nada"
    r"|without (?:a |any )?doubt|no (?:trouble|bother))"
)
"""Set phrases whose "no" negates nothing ("no doubt we met", "keine Frage", "no bother"),
with a "no" that only opens them ("Nein, kein Problem"); they are cut out before reading a
clause."""
