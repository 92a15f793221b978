"""Table rows on real pages: a cell's wrapped lines are joined, its number stays in its row, prose is left alone."""

import pytest

from ndc_scan.read.pages import read_pdf

from .conftest import FAKE_ID, corpus_pdf


def _page(name: str, page_no: int) -> str:
    pages, _ = read_pdf(corpus_pdf(f"{name}.pdf"), FAKE_ID)
    return pages[page_no - 1].text


@pytest.fixture(scope="module")
def ghana_p14():
    return _page("GHA_indc_2015", 14)


def test_regression_wrapped_cell_keeps_its_number_and_its_land(ghana_p14):
    # Read line by line, the cell "Continue 10,000ha annual reforestation/afforestation of degraded lands" was split by
    # its neighbours' words ("Sustainable | reforestation/afforestation of degraded | Policy."): the number lost its land.
    # (a ruled table: read by its rules since extractor 4, each row with all its cells; since extractor 10 a cell
    # spanning two rows, the action and its policies, is read whole in its first row, not cut between the two)
    rows = ghana_p14.splitlines()
    assert any(row.startswith("Promote Sustainable utilization of forest resources through REDD+ | Continue 10,000ha"
                              " annual reforestation/afforestation of degraded lands | National Forest and Wildlife"
                              " Policy. National plantation development strategy | Unconditional | 1,050")
               for row in rows)
    assert ("Double 10,000ha annual reforestation/afforestation of degraded lands translating to 20,000ha on annual"
            " basis. | Conditional | 1,750") in rows


def test_row_label_wrapped_over_lines_is_one_cell():
    # NOR_ndc-updated_2020 p12, the accounting table: the question of each row wraps over two or three lines.
    # (a ruled table of prose cells: read cell by cell since extractor 5, the question, then its answer)
    rows = _page("NOR_ndc-updated_2020", 12).splitlines()
    question = rows.index("Approach used to account for emissions and removals from harvested wood products;")
    assert rows[question - 2] == "(ii)"
    assert rows[question + 2].startswith("Norway uses the production approach to account for emissions")


def test_justified_prose_in_a_table_block_is_not_cut_into_columns():
    # TGO_indc_2015 p16: the wide spaces of one justified line ("Politique nationale en matière") look like
    # gutters; the lines under it are prose and must keep their words in order.
    # (ruled since extractor 4: the cell's prose is one piece, its lines joined)
    text = _page("TGO_indc_2015", 16)
    assert "Politique nationale en matière d'approvisionnement en eau potable et assainissement en milieu rural et " \
           "semi-urbain, élaborée en avril 2006 ;" in text


def test_one_line_rows_are_unchanged():
    # CIV_indc_2015 p16, the list of abbreviations: every row is one line, nothing to join.
    rows = _page("CIV_indc_2015", 16).splitlines()
    assert "CES | Conservation des Eaux et du Sol" in rows
    assert "COP | Conférence des Parties (à la CCNUCC)" in rows


def test_a_narrow_column_gutter_parts_cells_at_the_columns_left_edge():
    # CIV_indc_2015 p12, a table without column rules: the first column ("Renforcer les productions agricoles…") stands
    # 15-17 pt from the second, less than a cell border (18 pt), and was read into it line by line ("Renforcer Réduire
    # la vulnérabilité… les - Développer l'approche agro-écologique (pratiques productions de gestion…"); the second
    # column's lines all start at x = 99.3, which makes that x a column's left edge (extractor 13).
    rows = _page("CIV_indc_2015", 12).splitlines()
    assert "Renforcer | Réduire la vulnérabilité et accroitre la résilience | - Autosuffisance alimentaire" in rows
    assert any(row.startswith("les productions agricoles, animales et | - Développer l'approche agro-écologique "
                              "(pratiques de gestion de la fertilité des sols, développement de l'utilisation des "
                              "engrais organiques et du compost") for row in rows)
    assert not any("Renforcer Réduire" in row for row in rows)


def test_a_long_line_close_to_the_next_column_is_parted_at_its_left_edge():
    # TON_ndc2_2020 p96: "No regulation specific under" ends 10.8 pt before "Strengthen and develop" (the next column's
    # left edge); the columns were read merged ("Lack of enforcement of | Marine spatial planning to Introduce and
    # Enforce").
    rows = _page("TON_ndc2_2020", 96).splitlines()
    assert ("No regulation specific under Parks & Reserves concerning the MPA and | Strengthen and develop skills in "
            "ocean management and monitoring | Funding and resources") in rows
    assert ("Lack of enforcement of MPAs and SMAs so this needs strengthening | Marine spatial planning to better "
            "manage our ocean | Introduce and Enforce Marine Spatial Planning (MSP) Act") in rows
