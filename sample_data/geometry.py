"""Map geometry for the synthetic city: real district boundaries, Voronoi streets and communities."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

DISTRICTS_PATH = Path(__file__).resolve().parent / "geo" / "wuhan_districts.geojson"


def load_district_boundaries() -> dict[str, BaseGeometry]:
    """District name → boundary (WGS-84), in the file's order."""
    collection = json.loads(DISTRICTS_PATH.read_text(encoding="utf-8"))
    return {f["properties"]["district"]: shape(f["geometry"]) for f in collection["features"]}


def random_points_in(polygon: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points (lon, lat) uniformly inside `polygon`, by vectorised rejection from its bounds."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    total = 0
    batch = max(2 * n, 16)
    while total < n:
        candidates = np.column_stack((rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)))
        inside = candidates[shapely.contains_xy(polygon, candidates[:, 0], candidates[:, 1])]
        found.append(inside)
        total += len(inside)
        batch = min(batch * 2, 1_000_000)
    return np.vstack(found)[:n] if found else np.empty((0, 2))


def random_points_around(
    polygon: BaseGeometry, centre: tuple[float, float], spread: float, n: int, rng: np.random.Generator
) -> np.ndarray:
    """`n` points (lon, lat) scattered normally (`spread` degrees) around `centre`, kept inside `polygon`.

    People and stations cluster where a community lives rather than spreading over its fields.
    """
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    total, tries = 0, 0
    while total < n and tries < 20:
        candidates = rng.normal(centre, spread, size=(max(2 * (n - total), 16), 2))
        inside = candidates[shapely.contains_xy(polygon, candidates[:, 0], candidates[:, 1])]
        found.append(inside)
        total += len(inside)
        tries += 1
    if total < n:  # a sliver of a polygon: fall back to uniform points
        found.append(random_points_in(polygon, n - total, rng))
    return np.vstack(found)[:n]


def split_polygon(polygon: BaseGeometry, n: int, rng: np.random.Generator) -> list[BaseGeometry]:
    """Tile `polygon` into `n` parts of comparable size: Voronoi cells of k-means-spread seeds, clipped.

    Parts are ordered north to south, then west to east, so the order does not depend on the seeds' order.
    """
    if n == 1:
        return [polygon]
    points = random_points_in(polygon, 40 * n, rng)
    seeds = points[rng.choice(len(points), n, replace=False)]
    for _ in range(12):  # Lloyd iterations on the sample: seeds move to their cluster's centre
        nearest = np.argmin(((points[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2), axis=1)
        for k in range(n):
            members = points[nearest == k]
            if len(members):
                seeds[k] = members.mean(axis=0)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=polygon.envelope.buffer(1.0))
    parts = [part for cell in cells.geoms if not (part := cell.intersection(polygon)).is_empty and part.area > 0]
    if len(parts) != n:  # two seeds fell together; try again with the generator's next numbers
        return split_polygon(polygon, n, rng)
    anchors = [part.representative_point() for part in parts]
    order = sorted(range(n), key=lambda i: (-round(anchors[i].y, 4), anchors[i].x))
    return [parts[i] for i in order]


def to_geojson_text(geometry: BaseGeometry, precision: int = 5) -> str:
    """Compact GeoJSON of the geometry, coordinates rounded to `precision` decimals."""
    rounded = shapely.set_precision(geometry, 10.0**-precision)
    return shapely.to_geojson(rounded if not rounded.is_empty else geometry)


def centroid_lonlat(geometry: BaseGeometry) -> tuple[float, float]:
    """The centroid, or a point surely inside when the centroid falls outside (a crescent, an island)."""
    point = geometry.centroid
    if not geometry.contains(point):
        point = geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)
