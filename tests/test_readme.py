"""The README stays true: its settings reference is the one the models and cdk.json make."""

from pathlib import Path

from settings import reference

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_settings_reference_matches_the_models_and_cdk_json():
    assert reference.in_readme(README) == reference.reference(), (
        "README.md's settings reference is out of date: run "
        "`.venv/bin/python -m settings.reference --write` and commit README.md"
    )


def test_readme_opens_with_the_two_commands():
    text = README.read_text()
    first_block = text[text.index("```sh") : text.index("```", text.index("```sh") + 5)]
    assert "make deploy" in first_block
    assert "make test" in first_block
