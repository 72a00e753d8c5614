"""Strings in the code that the Spanish catalogue does not translate yet.

Strings are written in English in the code, so the English catalogue may leave them empty; the
Spanish one, i18n/es/LC_MESSAGES/messages.po, must translate every string. The code is read here
as `make extract-translations` reads it, so a new string counts as missing even before the
catalogue is updated. A fuzzy entry counts as missing too: it is a guess, and compiling skips it.

    python -m marketplace.core.translations   # make missing-translations
"""

import sys

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from marketplace.core.config import ROOT

CATALOGUE = ROOT / "i18n" / "{lang}" / "LC_MESSAGES" / "messages.po"
# The same keywords as `pybabel extract -k ...` in the Makefile (BABEL_KEYWORDS).
KEYWORDS = DEFAULT_KEYWORDS | parse_keywords(["_l", "lazy_gettext", "lazy_pgettext:1c,2"])


def missing(lang: str = "es") -> dict[str, str]:
    """Each untranslated string (with its context, when it has one) -> where it is first used."""
    with open(str(CATALOGUE).format(lang=lang), "rb") as f:
        catalogue = read_po(f)
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    gaps: dict[str, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if not msgid or _translated(catalogue.get(msgid, context)):
            continue
        label = msgid if context is None else f"{msgid} (context “{context}”)"
        gaps.setdefault(label, f"{filename}:{lineno}")
    return gaps


def _translated(entry) -> bool:
    if entry is None or entry.fuzzy:
        return False
    return all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string)


def main() -> int:
    gaps = missing()
    for label, where in sorted(gaps.items(), key=lambda kv: kv[1]):
        print(f"{where}: {label}")
    print(f"{len(gaps)} string(s) without a Spanish translation", file=sys.stderr)
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
