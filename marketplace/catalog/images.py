"""Image variants as URLs and responsive-image attributes (srcset, width, height)."""

from dataclasses import dataclass

#: Browsers pick the first <source> they support; JPEG (or whatever is left) is the fallback.
_PREFERRED = ("avif", "webp")
_MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}


try:
    from marketplace.storage import get_storage
except ImportError:  # a build without the storage backends: media are served under /media
    get_storage = None


def _url_builder():
    """The storage backend's URL function, looked up once per picture rather than per variant."""
    if get_storage is None:
        return lambda key: f"/media/{key}"
    return get_storage().url


def variant_url(key: str) -> str:
    """URL (root-relative or absolute) of a stored variant."""
    return _url_builder()(key)


@dataclass(frozen=True)
class Picture:
    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) for <source> elements
    src: str
    srcset: str
    width: int
    height: int


def _srcset(variants: list[dict], url) -> str:
    return ", ".join(f"{url(v['key'])} {v['width']}w" for v in variants)


def picture(variants: list | None) -> Picture | None:
    """Everything a <picture> needs, from an Image's variants list (None without a photo)."""
    if not variants:
        return None
    url = _url_builder()
    by_format: dict[str, list[dict]] = {}
    for v in variants:
        by_format.setdefault(v.get("format", "jpeg"), []).append(v)
    fallback_format = next((f for f in by_format if f not in _PREFERRED), None)
    fallback = sorted(by_format[fallback_format or next(iter(by_format))], key=lambda v: v["width"])
    sources = tuple(
        (_MIME[f], _srcset(sorted(by_format[f], key=lambda v: v["width"]), url))
        for f in _PREFERRED
        if f in by_format and f != fallback_format
    )
    largest = fallback[-1]
    small = fallback[0]
    return Picture(
        sources=sources,
        src=url(small["key"]),
        srcset=_srcset(fallback, url),
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
