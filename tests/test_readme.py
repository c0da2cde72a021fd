"""The README stays true: its configuration table is the one the code reads."""

from pathlib import Path

from sgoodie.readme import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_configuration_table_matches_the_settings():
    text = README.read_text()
    start, end = "<!-- config-table:start -->\n", "\n<!-- config-table:end -->"
    table = text.split(start, 1)[1].split(end, 1)[0]
    assert table == markdown_table(), "README's configuration table is out of date: run scripts/readme-config"


def test_the_two_commands_are_documented():
    text = README.read_text()
    assert "scripts/demo" in text and "scripts/test" in text


def test_the_readme_says_a_session_follows_the_browser_not_the_address():
    """As auth._load_user does (tests/admin/test_account.py::
    test_a_session_cookie_only_works_in_the_browser_that_signed_in): phones change networks."""
    text = " ".join(README.read_text().split())
    assert "A session works only in the browser that signed in, from whatever network" in text
    assert "address and browser that signed in" not in text
