from __future__ import annotations

from pathlib import Path

import shapely

from treatyscope.place.pack import GeometryPack, write_pack


def test_round_trip_keeps_holes_and_parts(tmp_path: Path) -> None:
    donut = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (4, 2), (4, 4), (2, 4)]])
    islands = shapely.MultiPolygon([shapely.box(-179.5, -1, -179, 1), shapely.box(179, -1, 180, 1)])
    path = tmp_path / "t.geom"
    write_pack(path, [donut, islands, shapely.box(1, 1, 2, 2)])
    pack = GeometryPack(path)
    assert len(pack) == 3
    got = pack.get_many([2, 0, 1])
    assert got[1].equals(donut) and got[2].equals(islands) and got[0].equals(shapely.box(1, 1, 2, 2))
    assert pack.get(1).geom_type == "MultiPolygon" and len(pack.get(1).geoms) == 2
