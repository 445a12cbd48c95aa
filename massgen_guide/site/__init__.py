"""Site generation, the last stage: the ProperDocs hooks' logic (`hooks`, `build_facts`), the page directives
(`directives`, `pages/`), the Markdown and HTML helpers, `llms.txt`, the skill file and the install text.

May import every other subpackage except the command line.
"""
