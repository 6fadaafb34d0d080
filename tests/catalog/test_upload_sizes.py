"""A file's size as the upload page writes it (the page's script writes the same: tests/e2e/test_studio_forms.py)."""

import pytest

from catalog.uploads import size_text

SIZES = [0, 1, 1023, 1024, 1535, 1024**2 - 1, 1024**2, 1536 * 1024, 20 * 1024**2, 3 * 1024**3 + 1024**3 // 10]


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KB"),
        (1535, "1 KB"),
        (1024**2 - 1, "1023 KB"),
        (1024**2, "1 MB"),
        (1536 * 1024, "1.5 MB"),
        (20 * 1024**2, "20 MB"),
    ],
)
def test_an_empty_file_is_0_bytes_and_sizes_are_never_rounded_up_a_unit(size, text):
    assert size_text(size) == text
