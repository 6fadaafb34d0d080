"""The translation catalogues of locale/: compiled without GNU gettext, extracted and checked with it.

``catalogues_compile`` turns every ``locale/<language>/LC_MESSAGES/*.po`` into the ``.mo`` Django
reads (polib: nothing to install but the requirements), so a fresh clone needs no gettext to run.
``messages_extract`` runs Django's makemessages (which needs GNU gettext) for every language the
site ships, in both domains: ``django`` (Python, templates, emails) and ``djangojs`` (static/js).
``catalogue_problems`` compares a fresh extraction with the checked-in catalogue: every string the
code marks must be there, translated, and not fuzzy. docs/i18n.md.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.conf import settings

DOMAINS = ("django", "djangojs")
# What makemessages reads nothing from: third-party and generated files, tests, benchmarks.
IGNORED = (
    "static/vendor/*",
    "staticfiles/*",
    "media/*",
    "var/*",
    "artifacts/*",
    "tests/*",
    "bench/*",
    "docs/*",
    "deploy/*",
    "node_modules/*",
    "*.min.js",
)
# Left out of the copy the check extracts from (dot folders are left out too).
_NOT_COPIED = ("staticfiles", "media", "var", "artifacts", "tests", "bench", "docs", "node_modules", "__pycache__")


def locale_root() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def translated_languages() -> list[str]:
    """The languages the site ships other than the one it is written in."""
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogues_compile(root: Path | None = None, *, force: bool = False) -> list[Path]:
    """Write the ``.mo`` of every ``.po`` under ``root`` that has none or an older one; return those written."""
    written = []
    for po in sorted((root or locale_root()).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        # Written aside, then moved in place: a process starting meanwhile reads the old file or the new one.
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        polib.pofile(str(po)).save_as_mofile(str(partial))
        os.replace(partial, mo)
        written.append(mo)
    return written


def messages_extract(project: Path, languages: list[str], *, obsolete: bool = True) -> None:
    """Run makemessages in ``project`` (a copy of the site, or the site itself) for both domains."""
    for domain in DOMAINS:
        command = [sys.executable, "manage.py", "makemessages", "--domain", domain, "--add-location", "file"]
        command += [f"--locale={language}" for language in languages]
        command += [f"--ignore={pattern}" for pattern in IGNORED]
        if not obsolete:
            command.append("--no-obsolete")
        result = subprocess.run(command, cwd=project, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"makemessages failed (GNU gettext installed?): {result.stderr.strip()}")


@dataclass(frozen=True)
class Problem:
    language: str
    domain: str
    kind: str  # "missing", "untranslated" or "fuzzy"
    msgid: str
    msgctxt: str | None = None
    where: str = ""

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        where = f"  [{self.where}]" if self.where else ""
        return f"{self.language} {self.domain}.po: {self.kind}: {self.msgid!r}{context}{where}"


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def catalogue_problems(extracted: Path, checked_in: Path, *, language: str, domain: str) -> list[Problem]:
    """Every string of ``extracted`` (a fresh makemessages) that ``checked_in`` lacks, leaves empty, or marks fuzzy."""
    stored = {_key(entry): entry for entry in polib.pofile(str(checked_in))} if checked_in.exists() else {}
    problems = []
    for entry in polib.pofile(str(extracted)):
        if entry.obsolete or not entry.msgid:
            continue
        where = ", ".join(sorted({path for path, _ in entry.occurrences}))
        mine = stored.get(_key(entry))
        if mine is None or mine.obsolete:
            kind = "missing"
        elif mine.fuzzy:
            kind = "fuzzy"
        elif not mine.translated():
            kind = "untranslated"
        else:
            continue
        problems.append(Problem(language, domain, kind, entry.msgid, entry.msgctxt or None, where))
    return problems


def messages_check(project: Path) -> list[Problem]:
    """Extract the strings of a copy of ``project`` and compare them with its checked-in catalogues.

    The copy is made so that the check changes nothing in the working tree. The catalogues that are
    checked in must also compile with GNU msgfmt's checks (placeholders kept, plural forms right).
    """
    languages = translated_languages()
    with tempfile.TemporaryDirectory(prefix="messages-check-") as scratch:
        copy = Path(scratch) / "site"
        shutil.copytree(
            project,
            copy,
            ignore=shutil.ignore_patterns(".*", "*.sqlite3*", "*.mo", *_NOT_COPIED),
        )
        messages_extract(copy, languages)
        problems = []
        for language in languages:
            for domain in DOMAINS:
                relative = Path("locale") / language / "LC_MESSAGES" / f"{domain}.po"
                extracted = copy / relative
                if not extracted.exists():  # nothing marked in this domain
                    continue
                problems += catalogue_problems(extracted, project / relative, language=language, domain=domain)
        return problems


def catalogue_format_errors(project: Path) -> list[str]:
    """What GNU msgfmt --check says about each checked-in catalogue (placeholders, plural forms, headers)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return ["GNU gettext's msgfmt is not installed (Debian: apt-get install gettext)."]
    errors = []
    for po in sorted((project / "locale").glob("*/LC_MESSAGES/*.po")):
        result = subprocess.run([msgfmt, "--check", "--output-file=/dev/null", str(po)], capture_output=True, text=True)
        if result.returncode:
            errors.append(result.stderr.strip())
    return errors
