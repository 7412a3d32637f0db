"""Where members live, as counts per grid cell: the map never receives one point per member.

The grid is fixed on the globe (rows of equal latitude height; within each row, cells of equal
longitude width chosen so the cells are about `cell_m` wide at the row's centre), so a cell is the
same cell whichever area is shown.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from metrics.columns import LAT, LON, NAME, OPENED_ON
from metrics.indicators import require_columns

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180
MEMBERS = "members"  # count column of the density grid


def compute_density_grid(frame: pd.DataFrame, *, cell_m: float) -> pd.DataFrame:
    """Members per grid cell of about `cell_m` × `cell_m` metres, from rows of lon/lat (WGS-84 degrees).

    Rows without coordinates are left out. Returns columns lon, lat (the cell's centre) and members
    (count, at least 1), sorted by lat then lon; empty in, empty out.
    """
    require_columns(frame, (LON, LAT), "member locations")
    if cell_m <= 0:
        raise ValueError("cell_m must be positive")
    located = frame[[LON, LAT]].apply(pd.to_numeric, errors="coerce").dropna()
    if located.empty:
        return pd.DataFrame({LON: pd.Series(dtype=float), LAT: pd.Series(dtype=float), MEMBERS: pd.Series(dtype=int)})
    lat_step = cell_m / METRES_PER_DEGREE
    row = np.floor(located[LAT].to_numpy() / lat_step).astype(np.int64)
    centre_lat = (row + 0.5) * lat_step
    lon_step = lat_step / np.maximum(np.cos(np.radians(centre_lat)), 1e-6)
    column = np.floor(located[LON].to_numpy() / lon_step).astype(np.int64)
    counts = (
        pd.DataFrame({"row": row, "column": column, "lon_step": lon_step})
        .groupby(["row", "column"], as_index=False)
        .agg(members=("lon_step", "size"), lon_step=("lon_step", "first"))
    )
    return (
        pd.DataFrame(
            {
                LON: (counts["column"] + 0.5) * counts["lon_step"],
                LAT: (counts["row"] + 0.5) * lat_step,
                MEMBERS: counts[MEMBERS].astype(int),
            }
        )
        .sort_values([LAT, LON])
        .reset_index(drop=True)
    )


def compute_open_station_points(stations: pd.DataFrame, *, end: date) -> pd.DataFrame:
    """Stations open by `end` (opened on or before it, or with no opening date) with coordinates.

    Takes rows shaped like data_access.records.fetch_stations; returns columns name, lon, lat, sorted by name.
    """
    require_columns(stations, (NAME, LON, LAT, OPENED_ON), "stations")
    opened = pd.to_datetime(stations[OPENED_ON])
    open_now = stations[(opened.isna() | (opened <= pd.Timestamp(end))) & stations[LON].notna() & stations[LAT].notna()]
    return open_now[[NAME, LON, LAT]].sort_values(NAME).reset_index(drop=True)
