"""Member density per grid cell (never one point per member) and the stations open by a day."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from metrics.density import MEMBERS, compute_density_grid, compute_open_station_points
from metrics.indicators import haversine_m


def test_members_in_one_cell_are_counted_together():
    frame = pd.DataFrame(
        {
            "lon": [114.30001, 114.30002, 114.30003, 114.40001],
            "lat": [30.60001, 30.60002, 30.60003, 30.60001],
        }
    )
    grid = compute_density_grid(frame, cell_m=500)
    assert list(grid.columns) == ["lon", "lat", MEMBERS]
    assert sorted(grid[MEMBERS].tolist()) == [1, 3]
    assert grid[MEMBERS].sum() == len(frame)


def test_cells_are_about_cell_m_wide_and_contain_their_members():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"lon": 114.3 + rng.uniform(0, 0.05, 2000), "lat": 30.6 + rng.uniform(0, 0.05, 2000)})
    grid = compute_density_grid(frame, cell_m=500)
    assert grid[MEMBERS].sum() == 2000
    # Neighbouring centres in a row are one cell apart, and so are neighbouring rows.
    row = grid[grid["lat"] == grid["lat"].iloc[len(grid) // 2]].sort_values("lon")
    across = haversine_m(row["lon"].iloc[0], row["lat"].iloc[0], row["lon"].iloc[1], row["lat"].iloc[1])
    lats = np.sort(grid["lat"].unique())
    down = haversine_m(114.3, lats[0], 114.3, lats[1])
    assert across == pytest.approx(500, rel=0.01)
    assert down == pytest.approx(500, rel=0.01)
    # Every member is within half a diagonal of some cell centre.
    nearest = [
        haversine_m(grid["lon"].to_numpy(), grid["lat"].to_numpy(), lon, lat).min()
        for lon, lat in frame.head(50).itertuples(index=False)
    ]
    assert max(nearest) <= 500 * 2**0.5 / 2 + 1


def test_the_grid_does_not_depend_on_the_other_members():
    one = pd.DataFrame({"lon": [114.31], "lat": [30.61]})
    more = pd.DataFrame({"lon": [114.31, 114.9, 113.8], "lat": [30.61, 31.2, 30.1]})
    first = compute_density_grid(one, cell_m=500).iloc[0]
    same = compute_density_grid(more, cell_m=500)
    assert ((same["lon"] == first["lon"]) & (same["lat"] == first["lat"])).sum() == 1


def test_missing_coordinates_are_left_out_and_the_input_is_untouched():
    frame = pd.DataFrame({"lon": [114.3, None, 114.3], "lat": [30.6, 30.6, None], "member_id": [1, 2, 3]})
    before = frame.copy()
    grid = compute_density_grid(frame, cell_m=500)
    assert grid[MEMBERS].tolist() == [1]
    pd.testing.assert_frame_equal(frame, before)


def test_empty_in_empty_out_and_bad_input_is_refused():
    grid = compute_density_grid(pd.DataFrame({"lon": [], "lat": []}), cell_m=500)
    assert grid.empty and list(grid.columns) == ["lon", "lat", MEMBERS]
    with pytest.raises(ValueError, match="lat"):
        compute_density_grid(pd.DataFrame({"lon": [114.3]}), cell_m=500)
    with pytest.raises(ValueError):
        compute_density_grid(pd.DataFrame({"lon": [114.3], "lat": [30.6]}), cell_m=0)


def test_open_stations_by_a_day():
    stations = pd.DataFrame(
        {
            "station_id": [1, 2, 3, 4],
            "name": ["乙站", "甲站", "丙站", "丁站"],
            "lon": [114.3, 114.31, 114.32, None],
            "lat": [30.6, 30.61, 30.62, None],
            "opened_on": [date(2026, 1, 1), None, date(2026, 11, 23), date(2026, 1, 1)],
        }
    )
    open_now = compute_open_station_points(stations, end=date(2026, 11, 22))
    assert list(open_now.columns) == ["name", "lon", "lat"]
    assert sorted(open_now["name"]) == ["乙站", "甲站"]  # 丙站 opens later, 丁站 has no coordinates
    assert len(compute_open_station_points(stations, end=date(2026, 11, 23))) == 3
    assert compute_open_station_points(stations.iloc[0:0], end=date(2026, 11, 22)).empty
