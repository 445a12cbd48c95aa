"""Which MassGen the guide reads (`selection`: installed, a release wheel, a checkout), which version a tree
holds (`tree_version`), and the disk caches keyed by it (`cache_files`, `signatures`).

Imports nothing of the guide but `errors` and `paths`.
"""
