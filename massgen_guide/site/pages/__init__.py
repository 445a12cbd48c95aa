"""Page generators, one module per area; each registers its directives with `@generator`."""
