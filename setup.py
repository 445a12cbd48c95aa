"""The build step a wheel needs beyond pyproject.toml: it carries the guide's addresses.

`site_url` and `repo_url` live in one place, `mkdocs.yml`. A wheel has no `mkdocs.yml` beside its package, so the
build writes the two values, read by `massgen_guide.site_urls` itself, into `massgen_guide/data/site.json` of the
wheel (never into the source tree). An installed `massgen-guide` then links to the same pages as a checkout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithSiteSettings(build_py):
    def run(self) -> None:
        super().run()
        # `massgen-guide new` renders the worked examples in snippets/: the wheel carries a copy of them
        snippets = Path(self.build_lib) / "massgen_guide" / "data" / "snippets"
        snippets.mkdir(parents=True, exist_ok=True)
        for example in sorted((HERE / "snippets").glob("*.py")):
            (snippets / example.name).write_bytes(example.read_bytes())
        if not (HERE / "mkdocs.yml").is_file():
            return  # built from a tree without mkdocs.yml: the installed commands say site_url is not set
        sys.path.insert(0, str(HERE))
        try:
            from massgen_guide.site_urls import site_settings
        finally:
            sys.path.remove(str(HERE))
        target = Path(self.build_lib) / "massgen_guide" / "data" / "site.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(site_settings(HERE), indent=2) + "\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildPyWithSiteSettings})
