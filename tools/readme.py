"""The README's generated blocks: the settings reference and the acknowledged findings.

`python -m tools.readme` rewrites both from the code; tests/test_readme.py fails while the
README's copy differs, so the README cannot drift from what synth accepts.
"""

import sys
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- {name}:start (made by `python -m tools.readme`) -->",
        f"<!-- {name}:end -->",
    )


def generated_blocks() -> dict[str, Callable[[], str]]:
    from settings.reference import reference
    from stacks.acknowledgements import markdown_table

    return {"settings-reference": reference, "acknowledgements": markdown_table}


def block(text: str, name: str) -> str | None:
    """The content between a block's markers, or None where the README lacks them."""
    start, end = _markers(name)
    if start not in text or end not in text:
        return None
    return text[text.index(start) + len(start) : text.index(end)].strip("\n")


def with_block(text: str, name: str, content: str) -> str:
    start, end = _markers(name)
    current = block(text, name)
    if current is None:
        raise SystemExit(f"README.md has no block {start} ... {end}")
    before = text[: text.index(start) + len(start)]
    after = text[text.index(end) :]
    return f"{before}\n{content}\n{after}"


def main() -> None:
    text = README.read_text()
    for name, make in generated_blocks().items():
        text = with_block(text, name, make())
    README.write_text(text)
    print(f"rewrote {', '.join(generated_blocks())} in {README}")


if __name__ == "__main__":
    sys.exit(main())
