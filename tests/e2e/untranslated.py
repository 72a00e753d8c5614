"""Find Spanish interface text on a page that should be in English.

The Spanish catalogues say what the interface looks like in Spanish: any distinctive piece of a
Spanish translation found on an English page is a string that missed translation. Content that
people wrote (product titles, stories, fair names) is legitimately Spanish; templates mark it with
`lang="es"`, and the check skips those parts of the page, as a screen reader switches voice there.
"""

import re
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>")
WORD = re.compile(r"[^\W\d_]+")

# Everything a person reads or hears outside `lang="es"` parts: text, the labels and hints kept
# in attributes, and the document's title (minus content it repeats, such as a product's name).
COLLECT_JS = """() => {
  // Parts marked inside the page; the page's own language is what is being checked.
  const spanish = (el) => (el.closest('body [lang]')?.lang || '').toLowerCase().startsWith('es');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !el.closest('script, style, template') && !spanish(el)) {
      out.push(walker.currentNode.data);
    }
  }
  const attrs = ['title', 'aria-label', 'placeholder', 'alt'];
  for (const el of document.body.querySelectorAll('[title], [aria-label], [placeholder], [alt], '
      + 'input[type=submit], input[type=button]')) {
    if (spanish(el)) continue;
    for (const a of attrs) if (el.hasAttribute(a)) out.push(el.getAttribute(a));
    if (el.matches('input[type=submit], input[type=button]')) out.push(el.value);
  }
  let title = document.title;
  const content = [...document.querySelectorAll('body [lang^=es]')]
    .map((el) => el.textContent.trim()).filter(Boolean).sort((a, b) => b.length - a.length);
  for (const text of content) title = title.split(text).join(' ');
  out.push(title);
  return {lang: document.documentElement.lang, text: out.join('\\n')};
}"""


def _distinctive(fragment: str) -> bool:
    words = WORD.findall(fragment)
    return len(words) >= 2 or sum(map(len, words)) >= 8


def _fragments(text: str) -> list[str]:
    """The runs of words between placeholders, trimmed of punctuation around them."""
    pieces = (p.strip(" \t\n.,;:!?¡¿“”\"'()«»—–-…·") for p in PLACEHOLDER.split(text))
    return [p for p in pieces if p and WORD.search(p)]


def _catalogue_strings(lang: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    pairs = []
    with open(ROOT / f"i18n/{lang}/LC_MESSAGES/messages.po", "rb") as f:
        for message in read_po(f):
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            pairs.append((ids, tuple(s for s in strings if s)))
    return pairs


@cache
def spanish_phrases() -> tuple[str, ...]:
    """Distinctive Spanish interface phrases: pieces of translations that differ from their
    English msgid and cannot be read as English, plus the Spanish month and weekday names."""
    english = "\n".join(i for ids, _s in _catalogue_strings("es") for i in ids).casefold()
    found = set()
    for ids, strings in _catalogue_strings("es"):
        for string in strings:
            if string in ids:
                continue
            for piece in _fragments(string):
                if _distinctive(piece) and not _contains(english, piece):
                    found.add(piece)
    es = Locale.parse("es")
    found.update(es.months["format"]["wide"].values())
    found.update(es.days["format"]["wide"].values())
    return tuple(sorted(found, key=len, reverse=True))


def _contains(text: str, phrase: str) -> bool:
    return _whole_phrase(_pattern(phrase), text) is not None


WORD_CHAR = re.compile(r"\w")


def _pattern(phrase: str) -> re.Pattern:
    # No leading `(?<!\w)` (see _whole_phrase): a look-behind tried at every position made
    # each page's check take a third of a second.
    return re.compile(rf"(?i:{re.escape(phrase)})(?!\w)")


@cache
def _phrase_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Compiled once: there are more phrases than `re` keeps compiled."""
    return tuple((phrase, _pattern(phrase)) for phrase in spanish_phrases())


def _whole_phrase(pattern: re.Pattern, text: str) -> re.Match | None:
    """The first match of `pattern` with no letter or digit just before it."""
    pos = 0
    while match := pattern.search(text, pos):
        if match.start() == 0 or not WORD_CHAR.match(text, match.start() - 1):
            return match
        pos = match.start() + 1
    return None


def spanish_in(text: str) -> list[str]:
    """The Spanish interface phrases in `text`, each with a little of its context."""
    text = " ".join(text.split())
    found, hits = [], []
    # Longest first: "carrito" adds nothing to "al carrito".
    for phrase, pattern in _phrase_patterns():
        match = _whole_phrase(pattern, text)
        if match and not any(phrase.casefold() in f.casefold() for f in found):
            found.append(phrase)
            start, end = max(match.start() - 30, 0), match.end() + 30
            hits.append(f"{phrase!r} in …{text[start:end]}…")
    return hits


def untranslated_on(page) -> list[str]:
    """What on this page is not English: a wrong `<html lang>` or Spanish interface text."""
    seen = page.evaluate(COLLECT_JS)
    problems = [] if seen["lang"] == "en" else [f'<html lang="{seen["lang"]}">, not "en"']
    return problems + spanish_in(seen["text"])
