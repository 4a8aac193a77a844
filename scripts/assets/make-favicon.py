"""Draws public/favicon.ico (16 and 32 px) from the logo's shapes (app/_components/logo.tsx), no image library needed.

Run: python3 scripts/assets/make-favicon.py
"""
import math
import struct

BRAND = (0x4F, 0x46, 0xE5)
# The logo in its 28x28 box: a rounded square (radius 7) and two arrows, stroke 2.2.
SEGMENTS = [((7, 10), (17, 10)), ((17, 10), (14, 7)), ((21, 18), (11, 18)), ((11, 18), (14, 21))]
STROKE = 2.2 / 2


def dist_to_segment(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def inside_rounded_square(x, y, size=28, r=7):
    cx, cy = min(max(x, r), size - r), min(max(y, r), size - r)
    return math.hypot(x - cx, y - cy) <= r


def render(px):
    """BGRA rows, bottom-up, with 4x4 supersampling."""
    rows = []
    n = 4
    for j in reversed(range(px)):
        row = b''
        for i in range(px):
            cover = white = 0
            for sj in range(n):
                for si in range(n):
                    x = (i + (si + 0.5) / n) * 28 / px
                    y = (j + (sj + 0.5) / n) * 28 / px
                    if inside_rounded_square(x, y):
                        cover += 1
                        if any(dist_to_segment((x, y), a, b) <= STROKE for a, b in SEGMENTS):
                            white += 1
            k = n * n
            a = cover / k
            w = white / cover if cover else 0
            rgb = [round(c * (1 - w) + 255 * w) for c in BRAND]
            row += bytes([rgb[2], rgb[1], rgb[0], round(a * 255)])
        rows.append(row)
    return b''.join(rows)


def bmp_entry(px):
    header = struct.pack('<IiiHHIIiiII', 40, px, px * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    mask = b'\x00' * (((px + 31) // 32) * 4 * px)
    return header + render(px) + mask


images = [(px, bmp_entry(px)) for px in (16, 32)]
out = struct.pack('<HHH', 0, 1, len(images))
offset = 6 + 16 * len(images)
for px, data in images:
    out += struct.pack('<BBBBHHII', px, px, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
for _, data in images:
    out += data
with open('public/favicon.ico', 'wb') as f:
    f.write(out)
