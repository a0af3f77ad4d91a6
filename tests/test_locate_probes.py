"""Probe points with their expected territory or sea, status today, continent and island flag.

Each row is a fact about the world, not about the data: the leaf territory (see geodata/curated/splits.yaml),
the sovereign and administrator (ISO alpha-3; None = no recognised sovereign), the continent, and whether the
point is on an island (land not connected to a continental landmass).
"""

from __future__ import annotations

import datetime as dt

import pytest

from treatyscope.place.data import geodata
from treatyscope.place.locate import locate, status_at

TODAY = dt.date(2026, 11, 28)

LAND = [
    # name, lat, lon, territory, sovereign, administered_by, continent, island
    ("Honolulu", 21.307, -157.858, "hawaii", "USA", "USA", "Oceania", True),
    ("Las Palmas", 28.124, -15.436, "canary-islands", "ESP", "ESP", "Africa", True),
    ("Ceuta", 35.889, -5.316, "ceuta", "ESP", "ESP", "Africa", False),
    ("Melilla", 35.29, -2.94, "melilla", "ESP", "ESP", "Africa", False),
    ("RAF Akrotiri", 34.59, 32.99, "akrotiri", "GBR", "GBR", "Asia", True),
    ("Dhekelia", 34.98, 33.72, "dhekelia", "GBR", "GBR", "Asia", True),
    ("Nuuk", 64.18, -51.69, "greenland", "DNK", "DNK", "North America", True),
    ("Pituffik", 76.53, -68.70, "greenland", "DNK", "DNK", "North America", True),
    ("Attu", 52.93, 172.91, "alaska", "USA", "USA", "North America", True),
    ("Anchorage", 61.22, -149.90, "alaska", "USA", "USA", "North America", False),
    ("Kunashiri", 44.0, 145.8, "northern-territories", None, "RUS", "Asia", True),
    ("Taipei", 25.03, 121.56, "taiwan-island", None, "TWN", "Asia", True),
    ("Kinmen", 24.43, 118.32, "kinmen", None, "TWN", "Asia", True),
    ("Magong", 23.57, 119.58, "penghu", None, "TWN", "Asia", True),
    ("Naha", 26.21, 127.68, "okinawa", "JPN", "JPN", "Asia", True),
    ("Chichijima", 27.09, 142.19, "bonin-islands", "JPN", "JPN", "Asia", True),
    ("Tokyo", 35.68, 139.76, "japan-main", "JPN", "JPN", "Asia", True),
    ("Algiers", 36.75, 3.06, "algeria", "DZA", "DZA", "Africa", False),
    ("Algerian Sahara", 28.0, 2.0, "algeria", "DZA", "DZA", "Africa", False),
    ("Sevastopol", 44.60, 33.52, "sevastopol", "UKR", "RUS", "Europe", False),
    ("Simferopol", 44.95, 34.10, "crimea", "UKR", "RUS", "Europe", False),
    ("Kyiv", 50.45, 30.52, "mainland-ukraine", "UKR", "UKR", "Europe", False),
    ("Kaliningrad", 54.71, 20.51, "kaliningrad", "RUS", "RUS", "Europe", False),
    ("Moscow", 55.75, 37.62, "russia-main", "RUS", "RUS", "Europe", False),
    ("Vladivostok", 43.12, 131.90, "russia-main", "RUS", "RUS", "Asia", False),
    ("Hamilton, Bermuda", 32.30, -64.78, "bermuda", "GBR", "GBR", "North America", True),
    ("San Juan", 18.47, -66.10, "puerto-rico", "USA", "USA", "North America", True),
    ("Charlotte Amalie", 18.34, -64.93, "united-states-virgin-islands", "USA", "USA", "North America", True),
    ("Hagåtña", 13.48, 144.75, "guam", "USA", "USA", "Oceania", True),
    ("Miami", 25.76, -80.19, "conterminous-united-states", "USA", "USA", "North America", False),
    ("Key West", 24.56, -81.78, "conterminous-united-states", "USA", "USA", "North America", True),
    ("Gibraltar", 36.14, -5.35, "gibraltar", "GBR", "GBR", "Europe", False),
    ("La Línea", 36.165, -5.35, "peninsular-spain", "ESP", "ESP", "Europe", False),
    ("Funchal", 32.65, -16.91, "madeira", "PRT", "PRT", "Africa", True),
    ("Ponta Delgada", 37.74, -25.67, "azores", "PRT", "PRT", "Europe", True),
    ("Reykjavík", 64.15, -21.94, "iceland", "ISL", "ISL", "Europe", True),
    ("Tórshavn", 62.01, -6.77, "faroe-islands", "DNK", "DNK", "Europe", True),
    ("Longyearbyen", 78.22, 15.65, "svalbard", "NOR", "NOR", "Europe", True),
    ("Jan Mayen", 71.0, -8.4, "jan-mayen", "NOR", "NOR", "Europe", True),
    ("Oslo", 59.91, 10.75, "mainland-norway", "NOR", "NOR", "Europe", False),
    ("Mariehamn", 60.10, 19.94, "aland", "FIN", "FIN", "Europe", True),
    ("Cayenne", 4.93, -52.33, "french-guiana", "FRA", "FRA", "South America", False),
    ("Pointe-à-Pitre", 16.24, -61.53, "guadeloupe", "FRA", "FRA", "North America", True),
    ("Fort-de-France", 14.60, -61.07, "martinique", "FRA", "FRA", "North America", True),
    ("Saint-Denis, Réunion", -20.88, 55.45, "reunion", "FRA", "FRA", "Africa", True),
    ("Marigot", 18.07, -63.08, "saint-martin", "FRA", "FRA", "North America", True),
    ("Saint-Pierre", 46.78, -56.17, "saint-pierre-and-miquelon", "FRA", "FRA", "North America", True),
    ("Nouméa", -22.27, 166.44, "new-caledonia", "FRA", "FRA", "Oceania", True),
    ("Papeete", -17.54, -149.57, "french-polynesia", "FRA", "FRA", "Oceania", True),
    ("Istanbul (European side)", 41.01, 28.97, "turkey", "TUR", "TUR", "Europe", False),
    ("Ankara", 39.93, 32.86, "turkey", "TUR", "TUR", "Asia", False),
    ("Limassol", 34.68, 33.04, "cyprus-government-controlled-area", "CYP", "CYP", "Asia", True),
    ("Kyrenia", 35.34, 33.32, "northern-cyprus", "CYP", "CYN", "Asia", True),
    ("Hong Kong Island", 22.28, 114.16, "hong-kong", "CHN", "CHN", "Asia", True),
    ("Kowloon", 22.32, 114.17, "hong-kong", "CHN", "CHN", "Asia", False),
    ("Copenhagen", 55.68, 12.57, "denmark", "DNK", "DNK", "Europe", True),
    ("Aarhus", 56.16, 10.20, "denmark", "DNK", "DNK", "Europe", False),
    ("London", 51.51, -0.13, "united-kingdom", "GBR", "GBR", "Europe", True),
    ("Palermo", 38.12, 13.36, "italy", "ITA", "ITA", "Europe", True),
    ("Easter Island", -27.11, -109.35, "easter-island", "CHL", "CHL", "Oceania", True),
    ("Stanley", -51.69, -57.86, "falkland-islands", "GBR", "GBR", "South America", True),
    ("Guantánamo Bay", 19.90, -75.15, "guantanamo-bay-naval-base", "CUB", "USA", "North America", True),
    ("Fiji at +180", -16.5, 180.0, "fiji", "FJI", "FJI", "Oceania", True),
    ("Chukotka east of 180", 65.5, -179.99, "russia-main", "RUS", "RUS", "Asia", False),
    ("Chukotka west of 180", 65.5, 179.99, "russia-main", "RUS", "RUS", "Asia", False),
]

SEA = [
    # name, lat, lon, sea id, a family the sea belongs to (or None)
    ("Taiwan Strait", 24.5, 119.5, "taiwan-strait", "pacific-ocean"),
    ("mid North Atlantic", 40.0, -40.0, "north-atlantic-ocean", "atlantic-ocean"),
    ("on the Tropic of Cancer", 23.4362, -40.0, "north-atlantic-ocean", "north-atlantic-ocean"),
    ("Ionian Sea", 35.0, 18.0, None, "mediterranean-sea"),
    ("Black Sea", 43.5, 34.0, "black-sea", "black-sea"),
    ("South Pacific", -30.0, -120.0, "south-pacific-ocean", "pacific-ocean"),
    ("Caribbean", 15.0, -75.0, "caribbean-sea", "caribbean-sea-and-gulf-of-mexico"),
    ("Gulf of Mexico", 25.0, -90.0, "gulf-of-mexico", "caribbean-sea-and-gulf-of-mexico"),
    ("Barents Sea", 73.0, 40.0, "barents-sea", "arctic-ocean"),
    ("Baltic Sea", 56.0, 19.0, "baltic-sea", "baltic-sea"),
    ("South China Sea", 12.0, 114.0, "south-china-sea", "south-china-sea"),
    ("Philippine Sea", 20.0, 130.0, "philippine-sea", "pacific-ocean"),
    ("Norwegian Sea", 68.0, 2.0, "norwegian-sea", "north-atlantic-ocean"),
    ("North Sea", 56.0, 3.0, "north-sea", "north-atlantic-ocean"),
    ("Pacific on the antimeridian", 0.0, 180.0, None, "pacific-ocean"),
    ("Pacific at -180", 0.0, -180.0, None, "pacific-ocean"),
]


@pytest.mark.parametrize(
    ("name", "lat", "lon", "territory", "sovereign", "administered", "continent", "island"),
    LAND,
    ids=[row[0] for row in LAND],
)
def test_land_probe(
    name: str,
    lat: float,
    lon: float,
    territory: str,
    sovereign: str | None,
    administered: str,
    continent: str,
    island: bool,
) -> None:
    loc = locate(lat, lon)
    assert loc.territory is not None and loc.territory.id == territory
    status, _ = status_at(loc, TODAY)
    assert status.sovereign == sovereign
    assert status.administered_by == administered
    assert loc.continent == continent
    assert loc.island is island


@pytest.mark.parametrize(("name", "lat", "lon", "sea", "family"), SEA, ids=[row[0] for row in SEA])
def test_sea_probe(name: str, lat: float, lon: float, sea: str | None, family: str | None) -> None:
    loc = locate(lat, lon)
    assert loc.territory is None
    assert loc.sea is not None
    if sea:
        assert loc.sea.id == sea
    if family:
        assert loc.sea.id in geodata().family_seas(family)


def test_probe_table_is_large_enough() -> None:
    assert len(LAND) + len(SEA) >= 50


def test_senkaku_islands_are_administered_by_japan_and_claimed_by_china_and_taiwan() -> None:
    loc = locate(25.74, 123.47)  # Uotsuri-jima
    assert loc.feature is not None and loc.feature.group == "senkaku-islands"
    status, _ = status_at(loc, TODAY)
    assert status.administered_by == "JPN"
    assert set(status.claimed_by) >= {"CHN", "TWN"}
    assert loc.island is True


def test_kunashiri_is_administered_by_russia_and_claimed_by_japan() -> None:
    status, _ = status_at(locate(44.0, 145.8), TODAY)
    assert status.administered_by == "RUS"
    assert "JPN" in status.claimed_by


def test_second_thomas_shoal_is_not_land() -> None:
    loc = locate(9.73, 115.86)
    assert loc.feature is not None and loc.feature.id == "second-thomas-shoal"
    assert loc.island is False and not loc.on_land


def test_okinawa_was_us_administered_until_reversion() -> None:
    naha = locate(26.21, 127.68)
    assert status_at(naha, dt.date(1972, 5, 14))[0].administered_by == "USA"
    assert status_at(naha, dt.date(1972, 5, 15))[0].administered_by == "JPN"


def test_algeria_was_french_until_independence() -> None:
    algiers = locate(36.75, 3.06)
    assert status_at(algiers, dt.date(1962, 7, 2))[0].sovereign == "FRA"
    assert status_at(algiers, dt.date(1962, 7, 6))[0].sovereign == "DZA"


def test_hong_kong_returned_to_china_in_1997() -> None:
    hk = locate(22.28, 114.16)
    assert status_at(hk, dt.date(1997, 6, 30))[0].sovereign == "GBR"
    assert status_at(hk, dt.date(1997, 7, 1))[0].sovereign == "CHN"


def test_crimea_under_russian_control_since_march_2014_but_sovereignty_ukrainian() -> None:
    simferopol = locate(44.95, 34.10)
    before, after = status_at(simferopol, dt.date(2014, 3, 17))[0], status_at(simferopol, dt.date(2014, 3, 18))[0]
    assert before.administered_by != "RUS"
    assert after.administered_by == "RUS" and after.sovereign == "UKR" and after.disputed


def test_a_coastal_city_centre_just_offshore_is_snapped_to_land() -> None:
    loc = locate(18.47, -66.10)  # San Juan: Natural Earth's simplified coast passes south of the old town
    assert loc.on_land and loc.territory is not None and loc.coast_km <= 2.0


def test_waters_within_12_nautical_miles_are_the_territorial_sea_unless_left_out() -> None:
    # 15 km off Taiwan's west coast at Taichung: Taiwan's territorial sea by default, at sea without the belts.
    plain = locate(24.25, 120.35, territorial_sea=False)
    with_sea = locate(24.25, 120.35)
    assert plain.territory is None and plain.sea is not None
    assert with_sea.territory is not None and with_sea.territory.id == "taiwan-island"
    assert with_sea.setting == "territorial-sea" and 2.0 < with_sea.coast_km <= 22.224
