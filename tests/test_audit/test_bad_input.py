"""Bad input: one clear line on stderr, exit 2, no traceback, nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from massgen_guide.audit.auditor import run_audit, source_for
from massgen_guide.errors import GuideError

from .conftest import run_cli, tree_hash


def assert_one_line_error(result, message: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [f"massgen-guide: error: {message}"], result.stderr
    assert "Traceback" not in result.stderr


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert_one_line_error(run_cli("claude", "--massgen", str(missing)), f"--massgen {missing}: no such path")


def test_path_that_is_not_massgen(tmp_path: Path) -> None:
    (tmp_path / "project" / "src").mkdir(parents=True)
    assert_one_line_error(run_cli("claude", "--massgen", str(tmp_path / "project")),
                          f"--massgen {tmp_path / 'project'}: not a MassGen tree (no massgen/backend/base.py under it)")


def test_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    assert_one_line_error(run_cli("claude", "--massgen", str(tmp_path / "file.txt")),
                          f"--massgen {tmp_path / 'file.txt'}: not a folder")


def test_symlink_loop_as_the_path(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert_one_line_error(run_cli("claude", "--massgen", str(loop)), f"--massgen {loop}: symlink loop")


def test_unknown_backend_type_suggests_the_closest() -> None:
    assert_one_line_error(run_cli("claud"), "unknown backend type 'claud' in MassGen 0.1.97; did you mean 'claude'?")
    assert_one_line_error(run_cli("gemini-cli"),
                          "unknown backend type 'gemini-cli' in MassGen 0.1.97; did you mean 'gemini_cli'?")


def test_unknown_backend_type_in_a_checkout(fake_massgen: Path) -> None:
    assert_one_line_error(run_cli("nocap", "--massgen", str(fake_massgen)),
                          "unknown backend type 'nocap' in MassGen 0.0.9; did you mean 'nocaps'?")


def test_missing_or_conflicting_arguments() -> None:
    assert_one_line_error(run_cli(), "give a BACKEND_TYPE (e.g. claude) or --all")
    assert_one_line_error(run_cli("claude", "--all"), "give either BACKEND_TYPE or --all, not both")


def test_symlink_loop_inside_the_tree(fake_massgen: Path) -> None:
    loop = fake_massgen / "massgen/backend/loop.py"
    loop.symlink_to(loop)
    before = tree_hash(fake_massgen)
    assert_one_line_error(run_cli("good", "--massgen", str(fake_massgen)), "massgen/backend/loop.py: symlink loop")
    assert tree_hash(fake_massgen) == before


def test_symlinked_folder_loop_is_not_followed(fake_massgen: Path) -> None:
    """A folder symlink pointing back up (under massgen/configs/) must not make the walk loop."""
    (fake_massgen / "massgen/configs/providers/fake/again").symlink_to(fake_massgen / "massgen/configs")
    result = run_cli("good", "--massgen", str(fake_massgen))
    assert result.returncode == 0, result.stderr


def test_file_that_is_a_folder(fake_massgen: Path) -> None:
    caps = fake_massgen / "massgen/backend/capabilities.py"
    caps.unlink()
    caps.mkdir()
    assert_one_line_error(run_cli("good", "--massgen", str(fake_massgen)),
                          "massgen/backend/capabilities.py: cannot read the file (it is a folder)")


def test_unreadable_file(fake_massgen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    caps = fake_massgen / "massgen/backend/capabilities.py"
    expected = "massgen/backend/capabilities.py: cannot read the file (permission denied)"
    if os.geteuid() != 0:
        caps.chmod(0)
        try:
            assert_one_line_error(run_cli("good", "--massgen", str(fake_massgen)), expected)
        finally:
            caps.chmod(0o644)
        return
    # root reads any file regardless of its mode: make the operating system's refusal happen for this one path
    real_read_text = Path.read_text

    def refusing_read_text(self: Path, *args, **kwargs):
        if self == caps:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refusing_read_text)
    with pytest.raises(GuideError) as info:
        run_audit(source_for(str(fake_massgen)), "good")
    assert str(info.value) == expected
    assert info.value.exit_code == 2


def test_dangling_symlink(fake_massgen: Path) -> None:
    caps = fake_massgen / "massgen/backend/capabilities.py"
    caps.unlink()
    caps.symlink_to(fake_massgen / "gone.py")
    assert_one_line_error(run_cli("good", "--massgen", str(fake_massgen)), "massgen/backend/capabilities.py: dangling symlink")
