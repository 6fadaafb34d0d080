"""The import contract of pyproject.toml: every import between apps points down a floor (docs/architecture.md).

``make lint`` runs it on the project; these tests run it on a small tree of
empty apps with one wrong import each, to show that each wrong arrow breaks it.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tree(tmp_path: Path, files: dict[str, str], *, extra_packages: tuple[str, ...] = ()) -> Path:
    """Empty apps by the contract's root packages (and ``extra_packages``), with ``files`` written in them."""
    config = (ROOT / "pyproject.toml").read_text()
    listed = "".join(f'"{package}", ' for package in extra_packages)
    config = config.replace('root_packages = ["core", ', f'root_packages = [{listed}"core", ')
    (tmp_path / "pyproject.toml").write_text(config)
    for package in [*CONTRACT["root_packages"], *extra_packages]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(tmp_path).parents:
            if str(parent) != "." and not (tmp_path / parent / "__init__.py").exists():
                (tmp_path / parent / "__init__.py").write_text("")
        path.write_text(text)
    return tmp_path


def test_the_project_keeps_its_import_contract():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_tree_whose_imports_all_point_down_keeps_it(tmp_path):
    tree = _tree(
        tmp_path,
        {
            "core/events.py": "",
            "catalog/services.py": "from core import events\nimport accounts\n",
            "streaming/subscribers.py": "from catalog import services\n",
            "playlists/selectors.py": "import search\nimport streaming\n",
            "spotifyclone/urls.py": "import playlists\n",
        },
    )

    result = _lint_imports(tree)

    assert result.returncode == 0, result.stdout
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("files", "extra_packages", "broken"),
    [
        ({"catalog/services.py": "from streaming import tasks\n"}, (), "catalog is not allowed to import streaming"),
        ({"accounts/lockout.py": "import spotifyclone\n"}, (), "accounts is not allowed to import spotifyclone"),
        ({"core/images.py": "import accounts\n"}, (), "core is not allowed to import accounts"),
        ({"search/documents.py": "import playlists\n"}, (), "search is not allowed to import playlists"),
        ({"search/selectors.py": "import streaming\n"}, (), "search is not allowed to import streaming"),
        ({"playlists/selectors.py": "import ads\n"}, (), "playlists is not allowed to import ads"),
        ({"ads/services.py": "import insights\n"}, (), "ads is not allowed to import insights"),
        ({"recommendations/selectors.py": "import ads\n"}, (), "recommendations is not allowed to import ads"),
        ({"subsonic/views.py": "import spotifyclone\n"}, (), "subsonic is not allowed to import spotifyclone"),
        (
            {
                "streaming/selectors.py": "from streaming.services import renditions\n",
                "streaming/services/renditions.py": "",
            },
            (),
            "streaming.selectors is not allowed to import streaming.services",
        ),
        (
            {"streaming/api/views.py": "from streaming.views import edge\n", "streaming/views.py": ""},
            (),
            "streaming.api is not allowed to import streaming.views",
        ),
    ],
)
def test_an_import_that_points_the_wrong_way_breaks_the_contract(tmp_path, files, extra_packages, broken):
    result = _lint_imports(_tree(tmp_path, files, extra_packages=extra_packages))

    assert result.returncode == 1, result.stdout
    assert broken in result.stdout


def test_every_app_of_the_project_is_on_a_floor():
    """An app the contract does not list is not checked at all: a new one must be added to it."""
    ours = {config.name.split(".")[0] for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    floors = {
        name.strip().strip("()")
        for contract in CONTRACT["contracts"]
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in layer.split("|")
    }

    assert ours | {"spotifyclone"} <= set(CONTRACT["root_packages"])
    assert set(CONTRACT["root_packages"]) <= floors
