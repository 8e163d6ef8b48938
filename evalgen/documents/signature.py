"""署名 and 成文日期 (GB/T 9704-2012 7.3.5): where each line ends, written as padding.

Both lines are right-aligned at the right edge of the text block; the padding after each
(ideographic spaces, an en space for half a character, then a word joiner so that no
renderer drops it as trailing space) sets how far it stays from the edge. The template then
needs no computed attribute, and Word or WPS opens and edits it as any document.

- 加盖印章 (7.3.5.1): 成文日期 右空四字; the 署名 centred over the date (to half a character),
  never past the right edge.
- 不加盖印章 (7.3.5.2): 署名 右空二字, the date on the next line, its first character two
  characters right of the 署名's first; a date longer than that stays 右空二字 and the 署名
  moves left instead.

Widths are in characters of 3号: a Chinese character or full-width sign is one, a digit or
Latin letter half of one (Times New Roman).
"""

from __future__ import annotations

import unicodedata
from fractions import Fraction

__all__ = ["signature_pads", "text_width"]

_FULL, _HALF, _JOINER = "\u3000", "\u2002", "\u2060"


def text_width(text: str) -> Fraction:
    """The width of `text` in characters (a half-width character counts ½)."""
    return sum(
        (
            Fraction(1) if unicodedata.east_asian_width(ch) in "WF" else Fraction(1, 2)
            for ch in text
        ),
        Fraction(0),
    )


def signature_pads(issuer: str, date: str, seal: bool) -> tuple[str, str]:
    """The padding after the 署名 and after the 成文日期 (see the module's docstring)."""
    sign, dated = text_width(issuer), text_width(date)
    if seal:
        date_right = Fraction(4)
        sign_right = max(Fraction(0), date_right + (dated - sign) / 2)
    else:
        date_right = max(Fraction(2), sign - dated)
        sign_right = date_right + dated + 2 - sign
    return _pad(sign_right), _pad(date_right)


def _pad(chars: Fraction) -> str:
    """`chars` characters of space, rounded to half a character (half up)."""
    halves = int(chars * 2 + Fraction(1, 2))
    return _FULL * (halves // 2) + _HALF * (halves % 2) + _JOINER
