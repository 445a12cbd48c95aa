"""The audit: a MassGen tree checked against the checklist for one backend type (or all).

- `auditor`: the conditions, the checks, the report and the `massgen-guide audit` arguments;
- `changed`: `audit --changed FILE...`, the pre-commit hook's entry.

May import `facts`, `checks` and `source`.
"""
