"""How words are counted in a typed essay: the one rule the page's live counter
(static/js/essay.js) and the server both follow.

A word is a run of non-space characters holding at least one letter or digit, so Vietnamese
syllables count one each ("pháp luật" is two, as a person counting by hand would say) and a
lone dash or bullet counts nothing."""

# Plenty for the longest essay a contest asks for; bounds the work a post can ask of the server.
TEXT_MAX_CHARS = 100_000


def word_count(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))
