"""The input of `massgen-guide new`, validated: a `Spec` (one-line `GuideError` for bad input), and the kinds' data."""

from __future__ import annotations

import difflib
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

from massgen_guide.errors import GuideError
from massgen_guide.facts.scaffold_data import Kind, scaffold_data
from massgen_guide.paths import DATA_DIR, PROJECT_ROOT

ROOT = PROJECT_ROOT
SNIPPETS = ROOT / "snippets" if (ROOT / "snippets").is_dir() else DATA_DIR / "snippets"
"""The worked examples: this repository's `snippets/`, or the copy a wheel carries (written by `setup.py`)."""
TEMPLATES = Path(__file__).resolve().parent / "templates"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENV_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
PRICE_RE = re.compile(r"^([^=\s]+)=(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Spec:
    """One backend to scaffold."""

    name: str
    kind: Kind
    provider: str
    env_var: str | None
    base_url: str | None
    models: tuple[str, ...]
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    """model -> (USD per million input tokens, USD per million output tokens)"""

    @property
    def cls(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def fill(self, text: str) -> str:
        """Replace the placeholders {name} {Class} {NAME} {ENV} {Provider} {base_url} in a data string, and
        {name_cli} {NAME_CLI} {name_sdk}: the name with that suffix, unless it already ends with it."""
        values = {"{name_cli}": suffixed(self.name, "_cli"), "{NAME_CLI}": suffixed(self.name, "_cli").upper(),
                  "{name_sdk}": suffixed(self.name, "_sdk"),
                  "{name}": self.name, "{Class}": self.cls, "{NAME}": self.name.upper(), "{ENV}": self.env_var or "",
                  "{Provider}": self.provider, "{base_url}": self.base_url or ""}
        for key, value in values.items():
            text = text.replace(key, value)
        return text


def suffixed(name: str, suffix: str) -> str:
    """`name` + `suffix`, or `name` when it already ends with it (quill_cli's fake CLI is fake_quill_cli.py)."""
    return name if name.endswith(suffix) else name + suffix


def closest(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.0)
    return match[0] if match else choices[0]


def parse_price(text: str) -> tuple[str, tuple[float, float]]:
    match = PRICE_RE.match(text.strip())
    if not match:
        raise GuideError(f"--price {text}: expected MODEL=INPUT/OUTPUT in USD per million tokens, e.g. acme-large=0.5/1.5")
    return match.group(1), (float(match.group(2)), float(match.group(3)))


def build_spec(name: str, kind: str, *, provider: str | None = None, env_var: str | None = None,
               base_url: str | None = None, models: list[str] | None = None,
               prices: list[str] | None = None) -> Spec:
    """Validate the command's arguments (everything that does not need the MassGen tree)."""
    data = scaffold_data()
    if kind not in data.kinds:
        raise GuideError(f"--kind {kind}: unknown kind; did you mean {closest(kind, list(data.kinds))}? "
                         f"(one of {', '.join(data.kinds)})")
    k = data.kinds[kind]
    if not NAME_RE.match(name) or keyword.iskeyword(name):
        raise GuideError(f"NAME {name!r}: must be a lowercase Python identifier (letters, digits, _), e.g. acme")
    # a name whose lower case is the type: compression recovery rebuilds the backend with
    # create_backend(get_provider_name().lower()). "Acme" for acme; acme_cloud stays acme_cloud, as claude_code does
    provider = provider if provider is not None else (name.capitalize() if "_" not in name else name)
    if not provider.strip() or '"' in provider or "\\" in provider or "\n" in provider:
        raise GuideError(f"--provider-name {provider!r}: must be non-empty, without quotes or backslashes")
    if k.api_key:
        env_var = env_var or f"{name.upper()}_API_KEY"
    # a wrapper's env_var is the variable its CLI or SDK reads a key from (as codex's OPENAI_API_KEY); None without
    if env_var is not None and not ENV_RE.match(env_var):
        raise GuideError(f"--env-var {env_var}: must be an upper-case variable name, e.g. {name.upper()}_API_KEY")
    if base_url is not None:
        if not re.match(r"^https?://[^\s\"'\\]+$", base_url):
            raise GuideError(f"--base-url {base_url}: expected an http(s) URL")
        if not k.default_base_url:
            raise GuideError(f"--base-url: a {kind} backend has no base URL")
    elif k.default_base_url:
        base_url = k.default_base_url.replace("{name}", name)
    model_list = tuple(models or [f"{name.replace('_', '-')}-large", f"{name.replace('_', '-')}-small"])
    for model in model_list:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$", model):
            raise GuideError(f"--model {model}: a model id is letters, digits and . _ : / -")
    price_map: dict[str, tuple[float, float]] = {}
    for text in prices or []:
        model, price = parse_price(text)
        if model not in model_list:
            raise GuideError(f"--price {text}: {model} is not one of the models ({', '.join(model_list)})")
        price_map[model] = price
    return Spec(name, k, provider, env_var, base_url, model_list, price_map)
