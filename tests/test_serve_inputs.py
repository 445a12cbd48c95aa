"""`serve` watches the snippets and data files, and a rebuild after an edit there re-renders the pages that read
the edited file, `--dirty` or not (massgen_guide/site/rebuilds.py, wired in massgen_guide/site/hooks.py)."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from properdocs.structure.files import File, Files

from massgen_guide.facts import scaffold_data as scaffold_module
from massgen_guide.paths import DATA_DIR
from massgen_guide.site import hooks
from massgen_guide.site.rebuilds import InputWatch, forget_inputs, mark_for_rebuild


def project(tmp_path: Path) -> tuple[Path, Path]:
    """A site's folder: mkdocs.yml, docs/ with three pages, snippets/ with two files, a data folder."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    docs, snippets, data = tmp_path / "docs", tmp_path / "snippets", tmp_path / "data"
    for folder in (docs, snippets, data):
        folder.mkdir()
    (snippets / "example.py").write_text("# --8<-- [start:main]\nx = 1\n# --8<-- [end:main]\n", encoding="utf-8")
    (snippets / "other.py").write_text("y = 2\n", encoding="utf-8")
    (data / "checklist.yaml").write_text("points: []\n", encoding="utf-8")
    (docs / "whole.md").write_text('# Whole\n\n```python\n--8<-- "snippets/example.py"\n```\n', encoding="utf-8")
    (docs / "section.md").write_text("# Section\n\n--8<-- 'snippets/example.py:main'\n", encoding="utf-8")
    (docs / "generated.md").write_text("# Generated\n\n<!-- guide:checklist -->\n", encoding="utf-8")
    return tmp_path, data


def pages(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root / "docs")): p for p in sorted((root / "docs").glob("*.md"))}


def built_files(root: Path, site: Path) -> Files:
    """MkDocs' (ProperDocs') `Files` for the project's pages, each with an output already written to `site`."""
    files = Files([File(name, str(root / "docs"), str(site), use_directory_urls=True) for name in pages(root)])
    for file in files:
        Path(file.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
        Path(file.abs_dest_path).write_text("<html></html>", encoding="utf-8")
    return files


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a new time even on a coarse clock


def test_an_edited_snippet_rerenders_the_pages_including_it(tmp_path: Path) -> None:
    root, data = project(tmp_path)
    watch = InputWatch.for_config(root / "mkdocs.yml", data)
    assert watch.folders == [root / "snippets", data]
    assert watch.changed_pages(pages(root)) == []  # the first build: nothing to compare with
    touch(root / "snippets" / "example.py", "x = 3\n")
    assert watch.changed_pages(pages(root)) == ["section.md", "whole.md"]
    assert watch.changed_pages(pages(root)) == []  # nothing changed since
    touch(root / "snippets" / "other.py", "y = 3\n")  # included by no page
    assert watch.changed_pages(pages(root)) == []
    (root / "snippets" / "example.py").unlink()  # a removed file counts as changed
    assert watch.changed_pages(pages(root)) == ["section.md", "whole.md"]


def test_an_edited_data_file_rerenders_the_pages_with_a_generated_part(tmp_path: Path) -> None:
    root, data = project(tmp_path)
    watch = InputWatch.for_config(root / "mkdocs.yml", data)
    watch.changed_pages(pages(root))
    touch(data / "checklist.yaml", "points: [a]\n")
    assert watch.changed_pages(pages(root)) == ["generated.md"]


def test_a_changed_data_file_is_read_again(tmp_path: Path) -> None:
    """What the process remembered from the data files is forgotten once one of them changes (and only then)."""
    scaffold_module.scaffold_data()
    assert scaffold_module.scaffold_data.cache_info().currsize == 1
    forget_inputs({tmp_path / "snippets" / "example.py"}, data_dir=DATA_DIR)
    assert scaffold_module.scaffold_data.cache_info().currsize == 1
    forget_inputs({DATA_DIR / "scaffold.yaml"}, data_dir=DATA_DIR)
    assert scaffold_module.scaffold_data.cache_info().currsize == 0


def test_serve_watches_the_folders_that_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    watched: list[str] = []
    server = SimpleNamespace(watch=watched.append)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = {"config_file_path": str(tmp_path / "mkdocs.yml")}
    monkeypatch.setattr(hooks, "_state", {})
    assert hooks.on_serve(server, config, None) is server
    assert watched == [str(DATA_DIR)]  # a copy of the site without snippets/
    (tmp_path / "snippets").mkdir()
    watched.clear()
    monkeypatch.setattr(hooks, "_state", {})
    hooks.on_serve(server, config, None)
    assert watched == [str(tmp_path / "snippets"), str(DATA_DIR)]


def test_one_watch_for_the_process_whether_the_config_path_is_relative_or_not(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve`'s first build names the config file as given (relative), its rebuilds by its absolute path: both
    are one site, so the watch (and what it saw at the last build) is kept."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hooks, "_state", {})
    first = hooks._input_watch({"config_file_path": "mkdocs.yml"})
    assert hooks._input_watch({"config_file_path": str(tmp_path / "mkdocs.yml")}) is first
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "mkdocs.yml").write_text("site_name: u\n", encoding="utf-8")
    assert hooks._input_watch({"config_file_path": str(tmp_path / "other" / "mkdocs.yml")}) is not first


def test_a_dirty_build_counts_the_pages_reading_an_edited_snippet_as_modified(tmp_path: Path) -> None:
    """Through the hook's own step, with MkDocs' (ProperDocs') `File`: the page including the snippet has an
    output older than its source, so `--dirty` re-renders it; the other pages keep theirs."""
    root, data = project(tmp_path)
    files = built_files(root, tmp_path / "site")
    assert not any(file.is_modified() for file in files)
    watch = InputWatch.for_config(root / "mkdocs.yml", data)
    assert hooks.rerender_pages_reading_changed_inputs(files, watch) == []
    touch(root / "snippets" / "example.py", "x = 4\n")
    assert hooks.rerender_pages_reading_changed_inputs(files, watch) == ["section.md", "whole.md"]
    assert {file.src_uri for file in files if file.is_modified()} == {"section.md", "whole.md"}


def test_marking_a_page_not_built_yet_does_nothing(tmp_path: Path) -> None:
    mark_for_rebuild([tmp_path / "missing" / "index.html"])
    assert not (tmp_path / "missing").exists()


def test_a_snippet_change_rerenders_the_scaffolders_pages_and_ignores_editor_files(tmp_path: Path) -> None:
    """The scaffolder's directives render the worked examples, so their page follows a snippet edit; the files an
    editor writes beside a snippet (swap files, backups, vim's probe file) are not inputs."""
    root, data = project(tmp_path)
    (root / "docs" / "scaffold.md").write_text("# Scaffold\n\n<!-- guide:scaffold-kinds -->\n", encoding="utf-8")
    watch = InputWatch.for_config(root / "mkdocs.yml", data)
    watch.changed_pages(pages(root))
    for leftover in (".example.py.swp", "example.py~", "4913"):
        (root / "snippets" / leftover).write_text("x", encoding="utf-8")
    assert watch.changed_pages(pages(root)) == []
    touch(root / "snippets" / "other.py", "y = 4\n")  # included by no page, but the scaffold renders snippets
    assert watch.changed_pages(pages(root)) == ["scaffold.md"]


def test_a_changed_snippet_forgets_the_pages_checked_with_the_guides_own_code(tmp_path: Path) -> None:
    """A page's claims report is kept by its Markdown, which a snippet edit does not change: the reports and the
    index of the guide's own code are dropped, and the checklist is kept; a data change drops the checklist."""
    from massgen_guide.checks.claims import check
    from massgen_guide.facts import checklist

    checklist.load_checklist()
    check._REPORTS[("page.md", "text", 0, 0)] = (None, None, None)  # type: ignore[assignment]
    forget_inputs({tmp_path / "snippets" / "example.py"}, data_dir=DATA_DIR)
    assert check._REPORTS == {} and check.own_indexes.cache_info().currsize == 0
    assert checklist._load.cache_info().currsize >= 1
    forget_inputs({DATA_DIR / "checklist.yaml"}, data_dir=DATA_DIR)
    assert checklist._load.cache_info().currsize == 0


def test_the_files_hook_marks_the_pages_reading_an_edited_snippet(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`on_files`, as MkDocs calls it at each build (generation off, so no second process starts)."""
    root, _ = project(tmp_path)
    files = built_files(root, tmp_path / "site")
    monkeypatch.setenv("GUIDE_GENERATION", "off")
    monkeypatch.setattr(hooks, "_state", {})
    config = {"config_file_path": str(root / "mkdocs.yml"), "site_url": ""}
    assert hooks.on_files(files, config) is files
    touch(root / "snippets" / "example.py", "x = 5\n")
    hooks.on_files(files, config)
    assert {file.src_uri for file in files if file.is_modified()} == {"section.md", "whole.md"}
