"""Ruled tables: rules found among a page's paths, grids where three rules or more stand side by side, cells
read between the rules; on real pages, MNG_indc_2015's narrow ruled tables read cell by cell with both engines."""

import pytest

from ndc_scan.read.pages import read_pdf
from ndc_scan.read.rulings import CELL_COLUMN, Rulings, cell_lines, from_segments, grid_rows, grids
from ndc_scan.records import Line

from .conftest import FAKE_ID, corpus_pdf, sample_pages

#: A page in a double frame (x 49 and 57, 528 and 535, the whole height), a table inside it from y 380 to 700
#: with rules at x 126, 197 and 284, and rows divided at y 420 and 560.
FRAME = [(49, 72, 49.5, 756), (57, 72, 57.5, 756), (527.6, 72, 528, 756), (535, 72, 535.4, 756)]
TABLE = [(126, 380, 126.4, 700), (197, 380, 197.4, 700), (284, 380, 284.4, 700)]
ROWS = [(57, 380, 528, 380.5), (57, 420, 528, 420.5), (57, 560, 528, 560.5), (57, 700, 528, 700.5)]


def _line(top: float, words: list[tuple[float, str]]) -> Line:
    boxes = tuple((x, top, x + 8 * len(text), top + 10, text) for x, text in words)
    return Line(text=" ".join(text for _, text in words), x0=boxes[0][0], x1=boxes[-1][2], top=top, bottom=top + 10,
                size=10, bold=False, column=0, words=tuple((b[0], b[2], b[4]) for b in boxes), boxes=boxes)


def test_thin_paths_are_rules_and_the_rest_is_not():
    rulings = from_segments([(10, 10, 10.5, 200), (10, 50, 300, 51), (10, 10, 300, 200), (5, 5, 7, 7)])
    assert rulings.verticals == ((10.25, 10, 200),)
    assert rulings.horizontals == ((50.5, 10, 300),)


def test_a_frame_is_not_a_table_but_a_table_inside_it_is():
    found = grids(from_segments(FRAME + TABLE + ROWS))
    assert len(found) == 1
    grid = found[0]
    assert (grid.top, grid.bottom) == (380, 700)                 # not the frame's whole height: its prose is prose
    assert [round(a) for a, _ in grid.columns] == [49, 126, 197, 284]    # the double rules are one rule each
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 420), (420, 560), (560, 700)]
    assert grids(from_segments(FRAME)) == []                     # a frame alone: two rules


def test_a_rule_under_some_cells_divides_them_and_a_cell_beside_them_spans_both_rows():
    # JPN_indc_2015 p17: rules under "Forest management | 27.8 | ― (―)" stop at the "Measures" cell, which spans the
    # four rows; read as one row, "37.0 27.8 7.9 1.2" was one cell and no figure had its row's name
    partial = [(57, 380, 528, 380.5), (57, 700, 528, 700.5), (126, 500, 197, 500.5)]
    (grid,) = grids(from_segments(FRAME + TABLE + partial))
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 500), (500, 700)]
    lines = [_line(400, [(60, "Forest"), (130, "27.8"), (200, "Promote")]),
             _line(520, [(60, "Cropland"), (130, "7.9"), (200, "measures")])]
    assert grid_rows(lines, grid, lambda a, b: f"{a} {b}") == ["Forest Cropland | 27.8 | Promote measures", "7.9"]
    # no rule across the table and none closing a column: no rows, its lines are read as any other
    (grid,) = grids(from_segments(FRAME + TABLE + [(57, 380, 528, 380.5), (130, 500, 160, 500.5)]))
    assert grid.rows == ()
    assert grid_rows(lines, grid, lambda a, b: f"{a} {b}") is None


def test_a_table_closed_by_rules_with_none_between_is_one_row_unless_its_cells_hold_lines_far_apart():
    # RWA_ndc-updated_2020 p61's last row, below a band: read line by line, its cells ran together
    closed = [(57, 380, 528, 380.5), (57, 460, 528, 460.5)]
    (grid,) = grids(from_segments(FRAME + [(x0, 380, x1, 460) for x0, _, x1, _ in TABLE] + closed))
    assert len(grid.rows) == 1
    row = [_line(390, [(60, "10"), (130, "Agroforestry"), (200, "Change")]), _line(402, [(130, "and"), (200, "in")])]
    assert grid_rows(row, grid, lambda a, b: f"{a} {b}") == ["10 | Agroforestry and | Change in"]
    apart = [*row, _line(440, [(130, "Other"), (200, "row")])]    # rows ruled only between columns: not one row
    assert grid_rows(apart, grid, lambda a, b: f"{a} {b}") is None


def test_cells_are_read_between_the_rules_line_by_line():
    (grid,) = grids(from_segments(FRAME + TABLE + ROWS))
    lines = [_line(390, [(60, "Sector"), (130, "Adaptation"), (200, "Targets")]),
             _line(430, [(60, "Arable"), (130, "-To"), (200, "-To"), (290, "150.0")]),
             _line(442, [(60, "farming"), (130, "increase"), (200, "reduce"), (205 + 48, "bare")]),
             _line(454, [(130, "irrigated"), (200, "fallow")])]
    rows = grid_rows(lines, grid, lambda a, b: f"{a} {b}")
    assert rows == ["Sector | Adaptation | Targets", "Arable farming | -To increase irrigated | -To reduce bare fallow | 150.0"]


def test_a_table_of_prose_cells_is_not_read_by_its_rules():
    # a form laid out in ruled boxes (an annex on clarity and transparency: VUT, NOR) keeps its paragraphs and lists
    (grid,) = grids(from_segments(FRAME + TABLE + ROWS))
    prose = [_line(430 + 12 * i, [(60, "Item"), (130, "policies"), (200, "x" * 60)]) for i in range(10)]
    assert grid_rows(prose, grid, lambda a, b: f"{a} {b}") is None


def test_no_rules_no_grid():
    assert grids(Rulings()) == []


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_narrow_ruled_tables_are_read_cell_by_cell(engine):
    # MNG_indc_2015 pp. 8-9: read line by line, the six narrow columns mixed ("-To reduce bare irrigated fallow to
    # 30% cropland"), so the quotes could not be cited and "soil" and "carbon" of two cells made a near match.
    pages = sample_pages("MNG_indc_2015.pdf", engine)
    rows = pages[7].text.splitlines()
    assert any(row.startswith("Arable farming | -To increase irrigated cropland, reduce soil water loss and decrease "
                              "soil carbon emissions | -To reduce bare fallow to 30% -To introduce crop rotation system "
                              "with 3-4 routes and 3-5 crops -To expand irrigated cropland by 2-2.5 times") for row in rows)
    # the prose above the table, inside the page's frame, stays prose
    assert ("Rough estimations of adaptation measures, listed in Table 3, shows that in the future Mongolia will need "
            "around 3.4 billion USD") in pages[7].text
    water = [row for row in pages[8].text.splitlines() if row.startswith("Water resources | ")]
    assert water and "| -30 % of the territory will be state protected by 2030" in water[0]
    assert water[0].endswith("| 5.0")


def test_prose_cells_are_read_cell_by_cell():
    # RWA_indc_2015 p5: a ruled table whose cells hold paragraphs; one text line crosses two cells ("…on slopes" |
    # "Reduced GHG"). Read cell by cell: each cell's lines together, the cells of a row from the left, a bullet with
    # its word.
    grid = grids(from_segments(FRAME + TABLE + ROWS))[0]
    lines = [_line(430, [(130, "Soil"), (200, "90%"), (224, "of"), (240, "land"), (290, "Reduced")]),
             _line(442, [(130, "conservation"), (200, "is"), (216, "on"), (232, "slopes."), (290, "GHG")]),
             _line(454, [(190, "•"), (200, "Terraces"), (290, "emissions")])]
    cells = cell_lines(lines, grid)
    assert [(line.text, line.column) for line in cells] == [
        ("Soil", CELL_COLUMN + 101), ("conservation", CELL_COLUMN + 101),
        ("90% of land", CELL_COLUMN + 102), ("is on slopes.", CELL_COLUMN + 102), ("• Terraces", CELL_COLUMN + 102),
        ("Reduced", CELL_COLUMN + 103), ("GHG", CELL_COLUMN + 103), ("emissions", CELL_COLUMN + 103)]
    assert cells[4].boxes[0][4] == "•" and not any(line.is_table_row for line in cells)
    assert cell_lines(lines, grids(from_segments(FRAME + TABLE))[0]) is None        # no rows: left to the lines


def test_regression_prose_cells_of_a_ruled_table_do_not_interleave():
    # RWA_indc_2015 p5 was read line by line across its cells: "90% of Rwanda's crop land is on slopes Reduced GHG
    # ranging from 5 to 50% which makes it emissions from vulnerable to …" (quotes that cannot be cited).
    for engine in ("pdfium", "pdfplumber"):
        pages, _ = read_pdf(corpus_pdf("RWA_indc_2015.pdf"), FAKE_ID, engine=engine)
        blocks = [block.text for block in pages[4].blocks]
        assert "1.5 Soil conservation and land husbandry" in blocks, engine
        assert any(text.startswith("90% of Rwanda's crop land is on slopes ranging from 5 to 50% which makes it "
                                   "vulnerable to climate change impacts like soil erosion") for text in blocks), engine
        assert "Reduced GHG emissions from farm land and increased carbon sink through agro forestry practices" in blocks


def test_pieces_too_short_for_a_rule_join_the_rule_they_continue():
    # GMB_ndc2_2021 p13 draws each row's column rules apart, joined by 4-point pieces where the rows meet
    rows = [(126, 380, 126.4, 500), (126, 500, 126.4, 504), (126, 504, 126.4, 700)]
    verticals = from_segments(rows + [(300, 500, 300.4, 504)]).verticals
    assert [(x, top, bottom) for x, top, bottom in verticals if x < 200] == [
        (126.2, 380, 500), (126.2, 500, 504), (126.2, 504, 700)]
    assert all(x < 200 for x, _, _ in verticals)                # a piece alone is no rule


def test_shadings_end_rows_across_the_table_but_make_no_columns():
    # PSE_ndc_2017 p8 shades every other row and rules its columns; Word shades a cell in pieces whose sides are no
    # borders (TON_ndc2_2020 p80, MMR_indc_2015 p6)
    shadings = [(49, 420, 528, 480, "grey"), (49, 560, 528, 620, "grey"), (140, 380, 170, 700, "blue")]
    rulings = from_segments(FRAME + TABLE + [(57, 380, 528, 380.5), (57, 700, 528, 700.5)], shadings)
    assert not any(abs(x - 140) < 1 or abs(x - 170) < 1 for x, _, _ in rulings.verticals)
    (grid,) = grids(rulings)
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 420), (420, 480), (480, 560), (560, 620), (620, 700)]
    # a shading's side across one cell only ends no row
    (grid,) = grids(from_segments(FRAME + TABLE + [(57, 380, 528, 380.5), (57, 700, 528, 700.5), (57, 420, 528, 420.5)],
                                  [(126, 420, 197, 600, "grey")]))
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 420), (420, 700)]


def test_a_shading_in_strips_of_one_colour_ends_rows_only_where_it_stops():
    """MMR_indc_2015 p6: Word fills a shaded row in strips as tall as a line of text, each across the row; each strip
    alone is a highlight, and the sides between them are no rows. Rows alternating two colours keep their sides."""
    strips = [(49, top, 528, top + 14, "blue") for top in range(420, 476, 14)]          # 420-476, four lines
    frame = FRAME + TABLE + [(57, 380, 528, 380.5), (57, 700, 528, 700.5)]
    (grid,) = grids(from_segments(frame, strips))
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 420), (420, 476), (476, 700)]
    alternating = [(49, 420, 528, 450, "blue"), (49, 450, 528, 480, "white"), (49, 480, 528, 510, "blue")]
    (grid,) = grids(from_segments(frame, alternating))
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 420), (420, 450), (450, 480), (480, 510), (510, 700)]
    # strips with space between them are highlights behind lines of text: no rows
    assert grids(from_segments(frame, [(49, top, 528, top + 11, "blue") for top in range(420, 476, 15)]))[0].rows == (
        (380, 700),)


def test_rules_closer_than_a_line_make_no_row():
    # BDI_indc_2015 p8 and IDN_ndc_2016 p18 draw borders as strips: the 3-point row between a strip's sides took the
    # labels away from their values
    strip = [(57, 420, 528, 420.4), (57, 423, 528, 423.4)]
    (grid,) = grids(from_segments(FRAME + TABLE + ROWS[:1] + ROWS[-1:] + strip))
    assert [(round(a), round(b)) for a, b in grid.rows] == [(380, 420), (420, 700)]


def _page(name: str, page_no: int, engine: str = "pdfium") -> str:
    """The text of page ``page_no`` (1-based) of a corpus NDC as ``read_pdf`` gives it."""
    pages, _ = read_pdf(corpus_pdf(name), FAKE_ID, engine=engine)
    return pages[page_no - 1].text


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_regression_rows_shaded_and_columns_ruled(engine):
    # PSE_ndc_2017 p8: each cell a filled rectangle, rules between the columns only. PDFium read its rectangles' sides
    # not at all: "Increasing green cover to provide increased carbon Ongoing sequestration." (the next cell's word)
    rows = _page("PSE_ndc_2017.pdf", 8, engine).splitlines()
    assert "Greening Palestine | Increasing green cover to provide increased carbon sequestration. | Ongoing" in rows
    assert ("Rangeland development, improvement and rehabilitation. | New forage plants (shrubs and trees) will provide "
            "increased carbon sequestration. | 2014 - 2017") in rows


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_regression_a_cell_spanning_rows_is_read_whole_in_its_first_row(engine):
    # JPN_indc_2015 p17: "Measures" spans the four rows of the LULUCF sector, whose rules stop at it; read as one
    # row, "37.0 27.8 7.9 1.2" was one cell, and the cropland/grazing land figure had no name
    rows = _page("JPN_indc_2015.pdf", 17, engine).splitlines()
    assert "Cropland management /Grazing land management | 7.9 | ― (―)" in rows
    lulucf = next(row for row in rows if row.startswith("LULUCF sector | 37.0 | ― (―) | • Promote measures"))
    assert lulucf.endswith("• Promotion of soil management leading to the increase of carbon stock in cropland "
                           "• Promotion of revegetation")


def test_regression_rules_joined_by_pieces_and_a_row_closed_by_rules():
    # GMB_ndc2_2021 p13 (column rules in pieces): "… livestock make up 11% Conditional of national GHG emissions" took
    # the next cell's word; RWA_ndc-updated_2020 p61's last row, below a band, ran its cells together line by line
    gambia, _ = read_pdf(corpus_pdf("GMB_ndc2_2021.pdf"), FAKE_ID, engine="pdfium")
    assert "livestock make up 11% of national GHG emissions" in gambia[12].text
    assert "Conditional of national" not in gambia[12].text
    rwanda, _ = read_pdf(corpus_pdf("RWA_ndc-updated_2020.pdf"), FAKE_ID, engine="pdfium")
    assert ("10 | Development of Agroforestry and Sustainable Agriculture (control soil erosion and improved soil "
            "fertility) | Change in land area covered by agroforestry | MINAGRI / MoE / MINALOC, (RAB, REMA, RLUMA, RFA, "
            "Private sector, Civil society) | A | 92 million USD") in rwanda[60].text


def test_regression_the_page_background_and_shapes_off_the_page_make_no_table():
    # VEN_indc_2015 p9: the page's white background and the white band behind a heading made a table of the heading;
    # MDV_ndc-updated_2020 p12: a shape running off the page cut a cell of the clarity annex in four
    venezuela, _ = read_pdf(corpus_pdf("VEN_indc_2015.pdf"), FAKE_ID, engine="pdfium")
    assert "B.- Acciones y programas con impacto en adaptación o mitigación del Cambio Climático y sus efectos" in [
        block.text for block in venezuela[8].blocks]
    maldives, _ = read_pdf(corpus_pdf("MDV_ndc-updated_2020.pdf"), FAKE_ID, engine="pdfium")
    assert ("Though the emissions produced by the Maldives is negligible, given its extreme vulnerability to climate "
            "impacts, emission reduction can contribute to") in maldives[11].text



#: Fills of one colour that touch are one shaded area, white ones stay apart: (file, page, text read, text not read).
SHADED = [
    # Word shades each cell in strips, one per line of text, with margin pieces beside them; each strip alone ended a
    # row, and the three columns interleaved
    ("MMR_indc_2015.pdf", 6, "(1) Renewable energy\n\n- Hydroelectric power\n\nIncrease the share of hydroelectric "
     "generation within limits of technical Hydroelectric potential. Indicative goal - 9.4 GW by 2030",
     "sub-sectors of the energy Environmental"),
    # white cell fills alone part the last rows (joined, the three rows ran together)
    ("PSE_ndc_2017.pdf", 12, "\nWaste and wastewater | Waste management | Waste management\n",
     "Urban and infrastructure Waste and wastewater"),
    # white strips behind a paragraph's lines, joined, cut the paragraph before "child"
    ("NPL_ndc2_2020.pdf", 12, "has more than halved from 49% in 1992 to 23% in 2015. Rates of child and maternal",
     "Rates of\n"),
]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("name, page_no, read, not_read", SHADED, ids=[f"{c[0][:3]}-p{c[1]}" for c in SHADED])
def test_regression_shaded_areas(engine, name, page_no, read, not_read):
    text = _page(name, page_no, engine)
    assert read in text
    assert not_read not in text
