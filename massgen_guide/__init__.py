"""The MassGen Backend Integrator Guide: the logic shared by the site's hooks, the tests and the command line.

Modules, one job each:

- `errors`: the one exception type whose message is shown to users as a single line.
- `source`: which MassGen is documented (installed package, a released wheel, or a checkout).
- `directives`: the `<!-- guide:NAME ... -->` page directives and their registry.
- `mkdocs_hooks`: what `hooks/guide.py` calls during a build.
- `cli`: the `massgen-guide` command.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
