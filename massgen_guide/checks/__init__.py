"""Checks of the guide's own text against MassGen.

- `claims`: inline code names and `[[claim: ...]]` statements in the prose;
- `fences`, `fence_checks`: every code fence, and how it is proven (run, included, validated, opted out);
- `api_blocks`: the `::: path` API entries on pages, their check against MassGen, and prose cross-references;
- `facts_in_docs`: every facts check at once (`check_facts`), for the build, the CLI and the tests.

May import `facts` and `source`; `fence_checks` reads the command line's parser to validate shell fences.
"""
