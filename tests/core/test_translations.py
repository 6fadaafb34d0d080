"""The catalogues: compiled in Python, and the check that fails on any string left untranslated."""

import gettext
from pathlib import Path

import polib

from core.translations import catalogue_problems, catalogues_compile

HEADER = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr", "Plural-Forms": "nplurals=2; plural=(n > 1);"}


def _po(path: Path, entries: list[polib.POEntry]) -> Path:
    catalogue = polib.POFile()
    catalogue.metadata = HEADER
    for entry in entries:
        catalogue.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(path))
    return path


def _entry(msgid: str, msgstr: str = "", **fields: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **fields)


def test_the_check_names_every_string_missing_untranslated_or_fuzzy(tmp_path: Path) -> None:
    extracted = _po(
        tmp_path / "extracted.po",
        [
            _entry("Library", occurrences=[("templates/base.html", "")]),
            _entry("Queue", occurrences=[("templates/streaming/_player.html", "")]),
            _entry("Liked Songs"),
            _entry("New"),
            _entry("Play", msgctxt="verb"),
            _entry("%(count)s track", msgid_plural="%(count)s tracks", msgstr_plural={0: "", 1: ""}),
            _entry("%(count)s like", msgid_plural="%(count)s likes", msgstr_plural={0: "", 1: ""}),
        ],
    )
    checked_in = _po(
        tmp_path / "django.po",
        [
            _entry("Library", "Bibliothèque"),
            _entry("Liked Songs", ""),
            _entry("New", "Nouveau", flags=["fuzzy"]),
            _entry("Play", "Écouter", msgctxt="verb"),
            _entry("%(count)s track", msgid_plural="%(count)s tracks", msgstr_plural={0: "%(count)s titre", 1: ""}),
            _entry(
                "%(count)s like",
                msgid_plural="%(count)s likes",
                msgstr_plural={0: "%(count)s j'aime", 1: "%(count)s j'aime"},
            ),
        ],
    )
    problems = catalogue_problems(extracted, checked_in, language="fr", domain="django")
    assert [(problem.kind, problem.msgid) for problem in problems] == [
        ("missing", "Queue"),
        ("untranslated", "Liked Songs"),
        ("fuzzy", "New"),
        ("untranslated", "%(count)s track"),  # one plural form left empty
    ]
    assert str(problems[0]) == "fr django.po: missing: 'Queue'  [templates/streaming/_player.html]"


def test_the_same_words_in_another_context_are_another_string(tmp_path: Path) -> None:
    extracted = _po(tmp_path / "extracted.po", [_entry("Play", msgctxt="noun")])
    checked_in = _po(tmp_path / "django.po", [_entry("Play", "Écouter", msgctxt="verb")])
    [problem] = catalogue_problems(extracted, checked_in, language="fr", domain="django")
    assert (problem.kind, problem.msgctxt) == ("missing", "noun")


def test_catalogues_compile_in_python_with_their_plural_forms_and_only_when_changed(tmp_path: Path) -> None:
    po = _po(
        tmp_path / "fr" / "LC_MESSAGES" / "django.po",
        [
            _entry("Library", "Bibliothèque"),
            _entry(
                "%(count)s track",
                msgid_plural="%(count)s tracks",
                msgstr_plural={0: "%(count)s titre", 1: "%(count)s titres"},
            ),
        ],
    )
    assert catalogues_compile(tmp_path) == [po.with_suffix(".mo")]
    assert catalogues_compile(tmp_path) == []  # up to date
    with po.with_suffix(".mo").open("rb") as mo:
        french = gettext.GNUTranslations(mo)
    assert french.gettext("Library") == "Bibliothèque"
    # French counts 0 and 1 as singular.
    assert french.ngettext("%(count)s track", "%(count)s tracks", 0) == "%(count)s titre"
    assert french.ngettext("%(count)s track", "%(count)s tracks", 1) == "%(count)s titre"
    assert french.ngettext("%(count)s track", "%(count)s tracks", 2) == "%(count)s titres"
