"""How text is normalised for matching, the same way at index and at query time."""

import re
import unicodedata

# Letters that do not decompose into a base letter and an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces: "Beyoncé - Halo!" → "beyonce halo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(bare))


def words(text: str) -> list[str]:
    return fold(text).split()
