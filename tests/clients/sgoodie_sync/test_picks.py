"""A client's picks as the list Lightroom Classic's and Capture One's filters take, and as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from sgoodie_sync.picks import UnknownList, ambiguous_names, client_selection, pick_rows, render

SELECTIONS = {
    "lists": [
        {
            "name": "Favourites",
            "photos": [
                {
                    "photo_id": "p1",
                    "filename": "IMG_0042.jpg",
                    "external_id": "day 1/IMG_0042.jpg",
                    "note": "",
                },
                {
                    "photo_id": "p2",
                    "filename": "IMG_0107.jpeg",
                    "external_id": "IMG_0107.jpeg",
                    "note": "crop tighter",
                },
            ],
        },
        {
            "name": "Print",
            "photos": [
                {
                    "photo_id": "p2",
                    "filename": "IMG_0107.jpeg",
                    "external_id": "IMG_0107.jpeg",
                    "note": "A3, matte",
                },
                {"photo_id": "p3", "filename": "Beach day.tif", "external_id": "", "note": ""},
            ],
        },
    ]
}


def test_lightroom_and_capture_one_get_each_name_once_without_its_extension():
    rows = pick_rows(SELECTIONS)
    assert render(rows, "lightroom") == "IMG_0042, IMG_0107, Beach day\n"
    assert render(rows, "captureone") == render(rows, "lightroom")
    assert ambiguous_names(rows) == ["Beach day"]  # the filter would read two names
    assert render(pick_rows(SELECTIONS, "print"), "lightroom") == "IMG_0107, Beach day\n"


def test_csv_has_a_row_per_pick_with_its_list_and_note():
    rows = list(csv.DictReader(io.StringIO(render(pick_rows(SELECTIONS), "csv"))))
    assert [(r["file_name"], r["external_id"], r["list"], r["note"]) for r in rows] == [
        ("IMG_0042.jpg", "day 1/IMG_0042.jpg", "Favourites", ""),
        ("IMG_0107.jpeg", "IMG_0107.jpeg", "Favourites", "crop tighter"),
        ("IMG_0107.jpeg", "IMG_0107.jpeg", "Print", "A3, matte"),
        ("Beach day.tif", "", "Print", ""),
    ]


def test_an_unknown_list_names_the_lists_there_are():
    with pytest.raises(UnknownList, match="Favourites, Print"):
        pick_rows(SELECTIONS, "Website")
    assert render(pick_rows({"lists": []}), "lightroom") == "\n"


def test_one_clients_own_picks():
    selections = {
        **SELECTIONS,
        "clients": [
            {"name": "Ana", "email": "ana@example.com", "lists": [{"name": "Favourites", "photos": []}]},
            {
                "name": "Ben",
                "email": "ben@example.com",
                "lists": [{"name": "Favourites", "photos": SELECTIONS["lists"][0]["photos"][:1]}],
            },
        ],
    }
    assert render(pick_rows(client_selection(selections, "BEN@example.com")), "lightroom") == "IMG_0042\n"
    with pytest.raises(UnknownList, match="ana@example.com, ben@example.com"):
        client_selection(selections, "cy@example.com")
