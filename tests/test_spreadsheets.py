"""The one CSV writer: every cell quoted, and no formula wherever a spreadsheet could split."""

from __future__ import annotations

import csv
import io

from sgoodie.spreadsheets import csv_text

FORMULA_STARTS = ("=", "+", "-", "@")
ATTACK = "Hello there;=cmd|'/C calc'!A0;"


def cells_as_spreadsheets_read(text: str) -> list[str]:
    """Every cell Excel or LibreOffice could see in `text`: split on `,` or `;`, with quotes
    honoured (a proper import) or ignored (a quick "split on ;"), outer blanks and quotes off."""
    cells = []
    for separator in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            cells += row
        for line in text.splitlines():
            cells += line.split(separator)
    return [cell.strip().strip('"').strip() for cell in cells]


def formula_cells(text: str) -> list[str]:
    return [cell for cell in cells_as_spreadsheets_read(text) if cell.startswith(FORMULA_STARTS)]


def test_a_formula_after_a_separator_is_text_however_the_file_is_split():
    text = csv_text(["name", "message"], [["Ada", ATTACK], ["Bo", 'a, "-1+1", @SUM(A1)\n=2+2']])
    assert formula_cells(text) == []
    for line in text.splitlines()[:2]:  # every cell quoted
        assert line.startswith('"') and line.endswith('"')


def test_the_text_survives_apart_from_the_marks():
    text = csv_text(["message"], [[ATTACK], ["+44 20 7946 0000"], [None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["Hello there;'=cmd|'/C calc'!A0;"] and rows[2] == ["'+44 20 7946 0000"]
    assert rows[3] == [""]


def test_the_old_first_character_guard_let_the_attack_through():
    """What the exports wrote before: the first character checked, cells quoted only when needed."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["Ada", ATTACK])
    assert "=cmd|'/C calc'!A0" in formula_cells(buffer.getvalue())
