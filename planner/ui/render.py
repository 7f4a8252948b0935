"""Numpy rasterising helpers for the map canvas (no Qt imports, so they test on their own).

Colours are packed as ``0xAARRGGBB`` in ``uint32``, the in-memory layout of Qt's
``QImage.Format_RGB32`` and ``Format_ARGB32`` on little-endian machines, so a packed array can be
written straight into an image buffer.

Accounts are drawn as small square dots with a one-pixel dark ring. Writing every offset of every
dot would cost ``N * dot_area`` scattered writes (0.8 s for a million points); instead each point
is written once into a one-pixel buffer and the dots and rings are grown with whole-image maximum
and bitwise operations, whose cost depends on the image size and not on the number of points.
"""

from __future__ import annotations

import numpy as np

#: Ring colour around account dots (dark grey, opaque).
DOT_RING = np.uint32(0xFF2B2B2B)


def pack_rgba(rgba: np.ndarray) -> np.ndarray:
    """Pack an ``(n, 4)`` uint8 RGBA array into ``0xAARRGGBB`` uint32 values.

    Parameters
    ----------
    rgba : numpy.ndarray
        Colours, shape ``(n, 4)``, values 0-255.

    Returns
    -------
    numpy.ndarray
        ``uint32`` array of length ``n``.
    """
    rgba = np.asarray(rgba)
    if rgba.ndim != 2 or rgba.shape[1] != 4:
        raise ValueError(f"rgba must have shape (n, 4), got {rgba.shape}")
    c = rgba.astype(np.uint32)
    return (c[:, 3] << 24) | (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]


def hex_to_rgba(color: str, alpha: int = 255) -> tuple[int, int, int, int]:
    """``'#rrggbb'`` (or ``'#rrggbbaa'``) to an ``(r, g, b, a)`` tuple."""
    text = color.lstrip("#")
    if len(text) not in (6, 8):
        raise ValueError(f"colour must look like '#rrggbb', got {color!r}")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    a = int(text[6:8], 16) if len(text) == 8 else alpha
    return r, g, b, a


def scatter_points(
    buffer: np.ndarray,
    width: int,
    height: int,
    x: np.ndarray,
    y: np.ndarray,
    colors: np.ndarray,
    scale: float,
    offset_x: float,
    offset_y: float,
) -> None:
    """Write one pixel per point into a flat buffer, culling points outside the image.

    Screen position is ``(x * scale + offset_x, -y * scale + offset_y)``. Points that fall
    outside are written to the extra last element of ``buffer``, which avoids compressing
    every array by a boolean mask (the write is cheaper than the compress).

    Parameters
    ----------
    buffer : numpy.ndarray
        ``uint32`` array of ``width * height + 1`` elements, zeroed by the caller.
    width, height : int
        Image size in pixels.
    x, y : numpy.ndarray
        ``float32`` world coordinates relative to the caller's origin; sorting them by
        descending ``y`` makes the writes nearly sequential in memory (6x faster at 1M points).
    colors : numpy.ndarray
        Packed ``uint32`` colours; 0 (fully transparent) points are invisible.
    scale, offset_x, offset_y : float
        Pixels per world unit and the screen position of the world origin.
    """
    k = np.float32(scale)
    px = x * k
    px += np.float32(offset_x)
    py = y * -k
    py += np.float32(offset_y)
    # Written as a negated "inside" so NaN coordinates count as outside.
    outside = ~((px >= 0) & (px < width) & (py >= 0) & (py < height))
    # Clamp before casting so NaN-free but huge coordinates cannot overflow int32.
    np.clip(px, -1, width, out=px)
    np.clip(py, -1, height, out=py)
    index = py.astype(np.int32)
    index *= width
    index += px.astype(np.int32)
    index[outside] = width * height
    buffer[index] = colors


def _grow_max(src: np.ndarray, step: int, offsets: range) -> np.ndarray:
    """Maximum of ``src`` over flat shifts ``offset * step`` (one axis of a box dilation)."""
    out = src.copy()
    for k in offsets:
        s = k * step
        if s > 0:
            np.maximum(out[s:], src[:-s], out=out[s:])
        elif s < 0:
            np.maximum(out[:s], src[-s:], out=out[:s])
    return out


def composite_dots(
    target: np.ndarray,
    points: np.ndarray,
    width: int,
    dot_px: int = 3,
    ring: bool = True,
    blend: bool = False,
) -> None:
    """Grow one-pixel points into square dots (with a dark ring) and draw them onto ``target``.

    Shifts are taken on the flat buffers, so a dot at the right edge wraps into the next row;
    the caller keeps a margin of at least ``dot_px // 2 + 2`` pixels that is never shown.

    Parameters
    ----------
    target : numpy.ndarray
        Flat ``uint32`` image (``0xFFRRGGBB``), modified in place.
    points : numpy.ndarray
        Flat ``uint32`` one-pixel point image of the same length (0 = no point).
    width : int
        Row length in pixels.
    dot_px : int
        Side of the square dot, 1 to 7 pixels.
    ring : bool
        Draw a one-pixel dark ring around each dot so dots read over any fill.
    blend : bool
        Honour the alpha byte of the colours (slower); otherwise colours are drawn opaque.
    """
    dot_px = int(np.clip(dot_px, 1, 7))
    offsets = range(-(dot_px // 2), dot_px - dot_px // 2)
    dots = _grow_max(_grow_max(points, 1, offsets), width, offsets)
    covered = dots != 0
    if ring:
        grown = covered.copy()
        grown[1:] |= covered[:-1]
        grown[:-1] |= covered[1:]
        ring_mask = grown.copy()
        ring_mask[width:] |= grown[:-width]
        ring_mask[:-width] |= grown[width:]
        mask = _bool_to_mask(ring_mask)
        target &= ~mask
        target |= mask & DOT_RING
    if blend:
        _blend_into(target, dots, covered)
    else:
        mask = _bool_to_mask(covered)
        target &= ~mask
        target |= dots | np.uint32(0xFF000000) & mask


def _bool_to_mask(flags: np.ndarray) -> np.ndarray:
    """Boolean array to ``uint32`` 0 / 0xFFFFFFFF (bitwise select is 5x faster than where)."""
    mask = flags.view(np.uint8).astype(np.uint32)
    np.negative(mask, out=mask)
    return mask


def _blend_into(target: np.ndarray, dots: np.ndarray, covered: np.ndarray) -> None:
    """Source-over blend of ``dots`` (``0xAARRGGBB``) into ``target`` where ``covered``."""
    where = np.flatnonzero(covered)
    src = dots[where]
    dst = target[where]
    alpha = (src >> 24).astype(np.uint32)
    inv = 255 - alpha
    out = np.full(len(where), 0xFF000000, dtype=np.uint32)
    for shift in (16, 8, 0):
        s = (src >> shift) & 0xFF
        d = (dst >> shift) & 0xFF
        out |= ((s * alpha + d * inv + 127) // 255) << shift
    target[where] = out
