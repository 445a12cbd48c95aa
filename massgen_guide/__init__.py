"""The MassGen Backend Integrator Guide: the logic shared by the site's hooks, the tests and the command line.

Modules, one job each:

- `errors`: the one exception type whose message is shown to users as a single line.
- `source`: which MassGen is documented (installed package, a released wheel, or a checkout).
- `directives`: the `<!-- guide:NAME ... -->` page directives and their registry.
- `mkdocs_hooks`: what `hooks/guide.py` calls during a build.
- `cli`: the `massgen-guide` command.
- `tree_version`: which MassGen version a tree holds, and the release the guide was checked against.
- `price_map`: LiteLLM's price map as the audited tree's environment has it (or the guide's copy).
- `changed_backends`: `audit --changed`, the backend types a change touches (the pre-commit hook).
- `install`: how a contributor gets the command (install commands, pre-commit and CI snippets).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
