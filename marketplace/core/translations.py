"""Translation catalogues: find strings without Spanish, and compile catalogues.

Each area of the product keeps its own catalogue in i18n/<area>/<lang>/LC_MESSAGES/messages.po;
Flask-Babel merges them at start-up. Strings are written in English in the code, so the English
catalogue may leave them untranslated; the Spanish one must translate every string.

    python -m marketplace.core.translations missing   # strings with no Spanish translation
    python -m marketplace.core.translations compile   # .po -> .mo (make does this)
"""

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from marketplace.core.config import ROOT

I18N = ROOT / "i18n"
SOURCES = {"marketplace", "vendors", "fairs", "templates"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def catalogues(lang: str) -> list[Path]:
    return sorted(I18N.glob(f"*/{lang}/LC_MESSAGES/messages.po"))


def extracted_msgids() -> dict[str, str]:
    """Every translatable string in the code and templates -> where it was first seen."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=_in_sources
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _in_sources(dirpath: str) -> bool:
    relative = Path(dirpath).relative_to(ROOT).parts
    return not relative or relative[0] in SOURCES


def translated_msgids(lang: str) -> set[str]:
    done = set()
    for path in catalogues(lang):
        with open(path, "rb") as f:
            for message in read_po(f):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and all(strings) and not message.fuzzy:
                    done.update(ids)
    return done


def missing(lang: str = "es") -> dict[str, str]:
    done = translated_msgids(lang)
    return {msgid: where for msgid, where in extracted_msgids().items() if msgid not in done}


def compile_all() -> None:
    for path in I18N.glob("*/*/LC_MESSAGES/messages.po"):
        with open(path, "rb") as f:
            catalog = read_po(f)
        with open(path.with_suffix(".mo"), "wb") as f:
            write_mo(f, catalog)


def main(argv: list[str]) -> int:
    if argv[:1] == ["compile"]:
        compile_all()
        return 0
    if argv[:1] == ["missing"]:
        gaps = missing()
        for msgid, where in sorted(gaps.items(), key=lambda kv: kv[1]):
            print(f'{where}\nmsgid "{msgid}"\nmsgstr ""\n')
        print(f"{len(gaps)} string(s) without a Spanish translation", file=sys.stderr)
        return 1 if gaps else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
