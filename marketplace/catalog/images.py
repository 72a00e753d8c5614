"""Image variants as URLs and responsive-image attributes (srcset, width, height)."""

from dataclasses import dataclass

from markupsafe import Markup, escape

from marketplace.core.storage import get_storage

#: Browsers pick the first <source> they support; JPEG (or whatever is left) is the fallback.
_PREFERRED = ("avif", "webp")
_MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}


def _url_builder():
    """The storage backend's URL function, looked up once per picture rather than per variant."""
    return get_storage().url


def variant_url(key: str) -> str:
    """URL (root-relative or absolute) of a stored variant."""
    return _url_builder()(key)


@dataclass(slots=True)
class Picture:
    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) for <source> elements
    src: str
    srcset: str
    width: int
    height: int

    def html(self, sizes: str, alt: str, lazy: bool = True) -> Markup:
        """The <picture> element. Built here rather than in a macro: a catalogue page shows
        dozens, and a template loop over the sources costs several times more."""
        sizes = escape(sizes)
        sources = "".join(
            f'<source type="{kind}" srcset="{escape(srcset)}" sizes="{sizes}">'
            for kind, srcset in self.sources
        )
        loading = ' loading="lazy"' if lazy else ""
        return Markup(
            f'<picture>{sources}<img src="{escape(self.src)}" srcset="{escape(self.srcset)}" '
            f'sizes="{sizes}" width="{self.width}" height="{self.height}" alt="{escape(alt)}"'
            f'{loading} decoding="async"></picture>'
        )


def _width(variant: dict) -> int:
    return variant["width"]


def picture(variants: list | None) -> Picture | None:
    """Everything a <picture> needs, from an Image's variants list (None without a photo)."""
    if not variants:
        return None
    url = _url_builder()
    by_format: dict[str, list[str]] = {}  # format -> "url width" entries, narrowest first
    for v in sorted(variants, key=_width):
        by_format.setdefault(v.get("format", "jpeg"), []).append(f"{url(v['key'])} {v['width']}w")
    fallback_format = next((f for f in by_format if f not in _PREFERRED), next(iter(by_format)))
    fallback = by_format[fallback_format]
    largest = max((v for v in variants if v.get("format", "jpeg") == fallback_format), key=_width)
    return Picture(
        sources=tuple(
            (_MIME[f], ", ".join(by_format[f]))
            for f in _PREFERRED
            if f in by_format and f != fallback_format
        ),
        src=fallback[0].rpartition(" ")[0],
        srcset=", ".join(fallback),
        width=largest["width"],
        height=largest["height"],
    )


def variant_urls(variants: list | None) -> list[str]:
    url = _url_builder()
    return [url(v["key"]) for v in variants or ()]


def largest_url(variants: list | None) -> str | None:
    if not variants:
        return None
    return variant_url(max(variants, key=lambda v: v["width"])["key"])
