"""Slugs (the contest's address) from Vietnamese titles.

Django's slugify decomposes letters (NFKD) and drops what is not ASCII: every Vietnamese
letter with a diacritic decomposes into its base letter plus combining marks (ơ = o + horn,
ệ = e + circumflex + dot below), except đ/Đ, a letter of its own that would be dropped. So
đ → d first, and the rest is Django's."""

from django.utils.text import slugify


def vn_slugify(text: str, *, max_length: int = 120) -> str:
    """ "Tìm hiểu Luật Hòa giải ở cơ sở" → "tim-hieu-luat-hoa-giai-o-co-so"; at most
    `max_length` characters, never ending in a hyphen."""
    slug = slugify(text.replace("đ", "d").replace("Đ", "D"))
    return slug[:max_length].rstrip("-")


def unique_slug(base: str, *, taken, max_length: int = 120) -> str:
    """`base`, or `base-2`, `base-3`… the first that `taken(slug)` says is free."""
    slug, number = base, 1
    while taken(slug):
        number += 1
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug
