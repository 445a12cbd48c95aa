"""`massgen-guide new`: scaffold a complete backend into a MassGen tree.

- `spec`: the command's input (kind, names, models, prices), validated into a `Spec`, and the kinds' data
  (`massgen_guide/data/scaffold.yaml`);
- `render`: the new files, rendered from the worked examples in `snippets/` (names substituted, section and
  annotation markers stripped) and from the test templates in `templates/`;
- `edits`: insertions into MassGen's existing files (exports, the `create_backend` branch, the capabilities entry,
  the listing sites the kind requires, pricing), located with `ast` positions and inserted as whole lines;
- `plan`: every change of one run, shown as a unified diff or written all-or-none;
- `command`: the sub-command.

May import: the standard library, yaml, and this package's `errors`, `source`, `audit`, `audit_tree` and
`facts.listing_data`. Never imports MassGen (everything is read as text).
"""
