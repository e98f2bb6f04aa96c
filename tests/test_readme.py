"""The README stays true: its generated blocks are what the code makes, and it opens well."""

import pytest

from tools import readme


@pytest.mark.parametrize("name", sorted(readme.generated_blocks()))
def test_readme_generated_block_matches_the_code(name):
    assert readme.block(readme.README.read_text(), name) == readme.generated_blocks()[name](), (
        f"README.md's {name} block is out of date: run `.venv/bin/python -m tools.readme` "
        "and commit README.md"
    )


def test_readme_opens_with_the_two_commands():
    text = readme.README.read_text()
    first_block = text[text.index("```sh") : text.index("```", text.index("```sh") + 5)]
    assert "make deploy" in first_block
    assert "make test" in first_block
