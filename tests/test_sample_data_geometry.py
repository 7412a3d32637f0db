"""The committed district boundaries (WGS-84) and the splitting helpers."""

from __future__ import annotations

import numpy as np
import shapely

from sample_data import geometry
from sample_data.names import DISTRICTS


def test_thirteen_valid_districts_inside_wuhan():
    boundaries = geometry.load_district_boundaries()
    assert list(boundaries) == list(DISTRICTS)
    for shape in boundaries.values():
        assert shape.is_valid and not shape.is_empty
        minx, miny, maxx, maxy = shape.bounds
        assert 113.6 < minx < maxx < 115.1 and 29.9 < miny < maxy < 31.4


def test_boundaries_are_wgs84_not_gcj02():
    # At extraction, cnmaps gave Jianghan's centroid as 114.2593, 30.6041 in GCJ-02 and
    # 114.2539, 30.6065 after conversion (the usual ~550 m offset in Wuhan). The file must hold the latter.
    centroid = geometry.load_district_boundaries()["江汉区"].centroid
    assert abs(centroid.x - 114.2539) < 0.001 and abs(centroid.y - 30.6065) < 0.001


def test_split_tiles_the_polygon_deterministically():
    polygon = geometry.load_district_boundaries()["武昌区"]  # a MultiPolygon
    parts = geometry.split_polygon(polygon, 7, np.random.default_rng(3))
    assert len(parts) == 7 and all(p.area > 0 for p in parts)
    assert abs(shapely.union_all(parts).area - polygon.area) / polygon.area < 1e-6
    overlap = sum(parts[i].intersection(parts[j]).area for i in range(7) for j in range(i + 1, 7))
    assert overlap / polygon.area < 1e-9
    again = geometry.split_polygon(polygon, 7, np.random.default_rng(3))
    assert all(a.equals(b) for a, b in zip(parts, again, strict=True))


def test_random_points_fall_inside():
    polygon = geometry.load_district_boundaries()["江汉区"]
    rng = np.random.default_rng(5)
    for points in (
        geometry.random_points_in(polygon, 500, rng),
        geometry.random_points_around(polygon, (114.26, 30.60), 0.01, 500, rng),
    ):
        assert points.shape == (500, 2)
        assert shapely.contains_xy(polygon, points[:, 0], points[:, 1]).all()


def test_geojson_text_round_trips():
    polygon = geometry.load_district_boundaries()["江汉区"]
    text = geometry.to_geojson_text(polygon)
    assert shapely.from_geojson(text).symmetric_difference(polygon).area < 1e-6
