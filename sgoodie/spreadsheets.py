"""The one CSV writer for every export (inquiries, client selections): files a photographer opens
in Excel, Numbers or LibreOffice, whose text came from strangers.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula. Which characters
start a cell depends on how the file is read: with `,` or `;` as the separator, quotes honoured
or not (a "split on ;" import ignores them). So every cell is quoted, and a formula start at the
beginning of the text or after any separator or line break (spaces and quotes skipped) gets a `'`
before it, which spreadsheets show as text and never evaluate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

# A separator or line break (or the start), then blanks or quotes, then what starts a formula.
_FORMULA_START = re.compile(r"""(^|[,;\t\r\n|])([\s"']*)(?=[=+\-@])""")


def neutralise(value: Any) -> str:
    """The cell's text with every place a formula could start made text."""
    text = "" if value is None else str(value)
    text = _FORMULA_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'", text)
    return "'" + text if text[:1] in ("\t", "\r") else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise(name) for name in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download: every cell quoted and neutralised."""
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
