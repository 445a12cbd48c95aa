"""Site generation, the last stage: the ProperDocs hooks' logic (`hooks`, `build_facts`), the page directives
(`directives`, `pages/`), the cold build's second process that checks claims and generates directives ahead of
the build (`prefetch`), what a `serve` process keeps from one rebuild to the next (`rebuilds`), the Markdown and
HTML helpers, `llms.txt`, the skill file and the install text.

May import every other subpackage except the command line.
"""
