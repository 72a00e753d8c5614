"""Which new passwords are too easy to guess.

zxcvbn estimates how many guesses a password would take against lists of the most common
passwords, names, words and keyboard patterns, plus words we give it: the person's own name and
e-mail, and CONTEXT_WORDS, the words anyone guessing at a Honduran fair marketplace would try first.
"""

from zxcvbn import zxcvbn

#: Guessed first by anyone who knows where the account is (documented in docs/security.md).
CONTEXT_WORDS = (
    "mercado",
    "retorno",
    "mercadoretorno",
    "honduras",
    "hondureño",
    "hondureña",
    "catracho",
    "catracha",
    "tegucigalpa",
    "tegus",
    "sanpedrosula",
    "ceiba",
    "laceiba",
    "feria",
    "ferias",
    "emprendedor",
    "emprendedora",
    "ministerio",
    "lempira",
    "retornado",
    "retornada",
    "migrante",
    "contraseña",
    "clave",
)

#: zxcvbn's score 2 and above: at least 10^6 guesses, out of reach of an online attack that
#: the sign-in limits slow to a few tries a minute; 0 and 1 include every very common password.
MIN_SCORE = 2
#: The longest password the forms accept.
MAX_LENGTH = 128


def too_guessable(password: str, personal: tuple[str, ...] = ()) -> bool:
    """True for a common password, a keyboard walk, or one made of the person's name, e-mail or a
    context word with a few digits."""
    words = [*CONTEXT_WORDS, *_pieces(personal)]
    return (
        zxcvbn(password[:MAX_LENGTH], user_inputs=words, max_length=MAX_LENGTH)["score"] < MIN_SCORE
    )


def _pieces(personal: tuple[str, ...]) -> list[str]:
    """ "Ana María López" and "ana.lopez@correo.hn" as the words someone would try."""
    out = []
    for value in personal:
        value = (value or "").strip().lower()
        if not value:
            continue
        local = value.partition("@")[0]
        words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
        out += [value, local, "".join(words), *words, "".join(value.split()), *value.split()]
    return out
