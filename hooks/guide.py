"""MkDocs hooks: thin wrappers. Every bit of logic lives in `massgen_guide.site.hooks`."""

from massgen_guide.site.hooks import (  # noqa: F401  (MkDocs finds hooks by name)
    on_build_error,
    on_config,
    on_env,
    on_files,
    on_nav,
    on_page_content,
    on_page_markdown,
    on_post_build,
    on_pre_build,
    on_serve,
    on_startup,
)
