"""Lyrics as text: .lrc in and out, and the rules every line keeps."""

import pytest
from django.core.exceptions import ValidationError

from catalog.lyrics import lrc_parse, lrc_render, lyrics_clean, lyrics_decode


def test_lrc_with_tags_offset_and_repeated_times():
    parsed = lrc_parse(
        "[ti:Song]\n[ar:Band]\n[au:Writer]\n[la:de]\n[offset:+200]\n"
        "[00:10.00][00:30.00]Chorus\n[00:20.5]Verse\n[01:02.345]End\n"
    )
    assert (parsed.title, parsed.artist, parsed.written_by, parsed.language, parsed.synced) == (
        "Song",
        "Band",
        "Writer",
        "de",
        True,
    )
    assert parsed.lines == [
        {"start_ms": 9800, "text": "Chorus"},
        {"start_ms": 20300, "text": "Verse"},
        {"start_ms": 29800, "text": "Chorus"},
        {"start_ms": 62145, "text": "End"},
    ]


def test_word_times_are_read_and_written_back():
    text = "[00:01.00]<00:01.00>Hello <00:01.50>there\n"
    parsed = lrc_parse(text)
    assert parsed.lines == [
        {
            "start_ms": 1000,
            "text": "Hello there",
            "words": [{"start_ms": 1000, "text": "Hello"}, {"start_ms": 1500, "text": "there"}],
        }
    ]
    assert lrc_render(lyrics_clean(parsed.lines, duration_ms=None)) == "[00:01.00]<00:01.00>Hello <00:01.50>there\n"


def test_plain_text_is_plain_lyrics_without_blank_lines():
    parsed = lrc_parse("One\n\nTwo\n")
    assert parsed.synced is False
    assert lyrics_clean(parsed.lines, duration_ms=None) == [
        {"start_ms": None, "text": "One"},
        {"start_ms": None, "text": "Two"},
    ]


def test_an_empty_synced_line_is_an_instrumental_break_and_equal_times_are_fine():
    lines = [
        {"start_ms": 0, "text": "a"},
        {"start_ms": 900, "text": ""},
        {"start_ms": 2000, "text": "b"},
        {"start_ms": 2000, "text": "c"},
    ]
    assert lyrics_clean(lines, duration_ms=3000) == lines


def test_control_characters_are_stripped():
    assert lyrics_clean([{"start_ms": 5, "text": "\x1b[31mred\x07\tline  "}], duration_ms=None) == [
        {"start_ms": 5, "text": "[31mred line"}
    ]


def test_a_round_trip_keeps_times_to_the_millisecond():
    lines = [{"start_ms": 1234, "text": "x"}, {"start_ms": 61_000, "text": "y"}]
    assert lrc_parse(lrc_render(lines, language="en")).lines == lines


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lyrics_decode(b"\x89PNG\r\n\x1a\n\x00\x00"), "looks like a binary file"),
        (lambda: lyrics_decode(b"caf\xe9"), "looks like a binary file"),
        (lambda: lrc_parse("[00:01.00]a\nno time here\n"), "“no time here” has no time while other lines do"),
        (lambda: lyrics_clean([{"start_ms": None, "text": "x"}] * 1001, duration_ms=None), "1,001 lines"),
        (lambda: lyrics_clean([{"start_ms": None, "text": "x" * 400}] * 200, duration_ms=None), "pass 64 KB"),
        (lambda: lyrics_clean([{"start_ms": 1, "text": "a\x00b"}], duration_ms=None), "Line 1 holds a NUL byte"),
        (
            lambda: lyrics_clean(
                [{"start_ms": 1000, "text": "a", "words": [{"start_ms": 900, "text": "a"}]}], duration_ms=None
            ),
            "Line 1, word 1 starts at 00:00.90, before",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValidationError) as refused:
        call()
    assert message in refused.value.messages[0]


def test_utf16_with_its_mark_is_text():
    assert lyrics_decode("[00:01.00]Olá".encode("utf-16")) == "[00:01.00]Olá"
