#!/usr/bin/env python3
"""Builds samla's map shapes (data/geo/municipalities-*.csv) from the simplified
municipality boundaries in the shared data folder (see data/geo/SOURCES.md).

Usage: python3 tools/build_geo.py ../shared/data/geo data/geo

Each boundary (WGS84 longitude/latitude) is projected to UTM zone 33 (the grid
Norwegian national maps use, so the country keeps its familiar shape), simplified
further for screen use and written as an SVG path in a fixed coordinate system of
hectometres (x east, y down). The output is committed; the binary embeds it, so
the server never parses GeoJSON or projects anything while answering a request.
"""
import csv
import json
import math
import sys
from pathlib import Path

# Editions: boundaries valid from the 2020 reform and from the 2024 reform.
EDITIONS = {"2020": "kommuner-2020.geojson", "2024": "kommuner-2024.geojson"}

# Origin of the output grid, in UTM 33 metres: a little west and north of the
# country, so that every coordinate is a small positive integer.
ORIGIN_E = -100_000.0
ORIGIN_N = 7_960_000.0
UNIT_M = 100.0  # one output unit is a hectometre

# Douglas-Peucker tolerance and the smallest island kept, in output units. At the
# national map's size one screen pixel is about 17 units; an embete's map is
# zoomed about four times, so 4 units (400 m) stays below a pixel there.
TOLERANCE = 4.0
MIN_RING_AREA = 40.0 * 40.0  # 16 km²; the largest ring of a shape is always kept


def utm33(lon, lat):
    """WGS84 → UTM zone 33N (easting, northing) in metres (Snyder's series)."""
    a = 6378137.0
    f = 1 / 298.257223563
    k0 = 0.9996
    e2 = f * (2 - f)
    ep2 = e2 / (1 - e2)
    lon0 = math.radians(15.0)
    phi = math.radians(lat)
    lam = math.radians(lon)
    n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    t = math.tan(phi) ** 2
    c = ep2 * math.cos(phi) ** 2
    big_a = math.cos(phi) * (lam - lon0)
    m = a * (
        (1 - e2 / 4 - 3 * e2**2 / 64 - 5 * e2**3 / 256) * phi
        - (3 * e2 / 8 + 3 * e2**2 / 32 + 45 * e2**3 / 1024) * math.sin(2 * phi)
        + (15 * e2**2 / 256 + 45 * e2**3 / 1024) * math.sin(4 * phi)
        - (35 * e2**3 / 3072) * math.sin(6 * phi)
    )
    easting = k0 * n * (
        big_a
        + (1 - t + c) * big_a**3 / 6
        + (5 - 18 * t + t * t + 72 * c - 58 * ep2) * big_a**5 / 120
    ) + 500000.0
    northing = k0 * (
        m
        + n
        * math.tan(phi)
        * (
            big_a**2 / 2
            + (5 - t + 9 * c + 4 * c * c) * big_a**4 / 24
            + (61 - 58 * t + t * t + 600 * c - 330 * ep2) * big_a**6 / 720
        )
    )
    return easting, northing


def to_grid(lon, lat):
    e, n = utm33(lon, lat)
    return ((e - ORIGIN_E) / UNIT_M, (ORIGIN_N - n) / UNIT_M)


def simplify(points, tolerance):
    """Douglas-Peucker on a closed ring (first point repeated at the end)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        (x1, y1), (x2, y2) = points[lo], points[hi]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        best, at = 0.0, None
        for i in range(lo + 1, hi):
            x, y = points[i]
            if length == 0:
                d = math.hypot(x - x1, y - y1)
            else:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if d > best:
                best, at = d, i
        if at is not None and best > tolerance:
            keep[at] = True
            stack.append((lo, at))
            stack.append((at, hi))
    return [p for p, k in zip(points, keep) if k]


def area(ring):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))) / 2


def path(rings):
    """SVG path data with relative moves, integer coordinates, no repeated points."""
    out = []
    for ring in rings:
        pts = []
        for x, y in ring[:-1]:
            p = (round(x), round(y))
            if not pts or pts[-1] != p:
                pts.append(p)
        if len(pts) < 3:
            continue
        x0, y0 = pts[0]
        out.append(f"M{x0} {y0}")
        seg = []
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            seg.append(f"{bx - ax} {by - ay}")
        out.append("l" + " ".join(seg) + "z")
    return "".join(out)


def shape(feature):
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            grid = [to_grid(lon, lat) for lon, lat in ring]
            rings.append(simplify(grid, TOLERANCE))
    largest = max(rings, key=area)
    kept = [r for r in rings if r is largest or area(r) >= MIN_RING_AREA]
    xs = [x for r in kept for x, _ in r]
    ys = [y for r in kept for _, y in r]
    bbox = (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))
    return path(kept), bbox


def main(src, dst):
    dst.mkdir(parents=True, exist_ok=True)
    for edition, name in EDITIONS.items():
        features = json.loads((src / name).read_text(encoding="utf-8"))["features"]
        rows = []
        for f in features:
            number = str(f["properties"]["kommunenummer"]).zfill(4)
            d, (x0, y0, x1, y1) = shape(f)
            rows.append((number, x0, y0, x1, y1, d))
        rows.sort()
        with open(dst / f"municipalities-{edition}.csv", "w", newline="", encoding="utf-8") as out:
            w = csv.writer(out, lineterminator="\n")
            w.writerow(["number", "min_x", "min_y", "max_x", "max_y", "path"])
            w.writerows(rows)
        size = sum(len(r[5]) for r in rows)
        print(f"{edition}: {len(rows)} municipalities, {size} bytes of path data")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
