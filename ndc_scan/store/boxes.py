"""Word boxes in the store: a page's boxes packed into a compact blob (``page_boxes.words``), and back."""

from __future__ import annotations

import struct
import zlib

from ..records import PageBoxes

_BOX = struct.Struct("<IH4H")   # start, length, x0, top, x1, bottom as 1/65535 of the page's width or height
_UNIT = 65535


def pack_boxes(boxes: PageBoxes) -> bytes:
    """A page's word boxes as compressed bytes (14 bytes a word before compression; ~0.01 pt precision)."""
    def scaled(value: float, size: float) -> int:
        return min(_UNIT, max(0, round(value / size * _UNIT)))

    width, height = boxes.width, boxes.height
    packed = b"".join(_BOX.pack(start, min(end - start, _UNIT), scaled(x0, width), scaled(top, height),
                                scaled(x1, width), scaled(bottom, height))
                      for start, end, x0, top, x1, bottom in boxes.words)
    return zlib.compress(packed, 6)


def unpack_boxes(width: float, height: float, data: bytes) -> PageBoxes:
    words = tuple((start, start + length, x0 * width / _UNIT, top * height / _UNIT, x1 * width / _UNIT,
                   bottom * height / _UNIT) for start, length, x0, top, x1, bottom in _BOX.iter_unpack(zlib.decompress(data)))
    return PageBoxes(width=width, height=height, words=words)
