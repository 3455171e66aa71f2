"""The project's own metadata (home page), read from where packaging declares it: ``[project.urls]``.

Installed (``pip install``/``-e .``): the distribution's metadata (``Project-URL: Homepage, ...``). Run from
a source checkout without installing (PYTHONPATH): pyproject.toml beside the package. One source, no
hard-coded copy that drifts from pyproject.toml.
"""
from __future__ import annotations

import functools
from pathlib import Path

DISTRIBUTION = "trailguard"
_PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@functools.lru_cache(maxsize=None)
def project_urls() -> dict[str, str]:
    """``[project.urls]`` as {label: url}; empty when neither metadata nor pyproject.toml is found."""
    from importlib import metadata

    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
        urls = dict(tuple(part.strip() for part in e.split(",", 1)) for e in entries if "," in e)
        if urls:
            return urls
    except metadata.PackageNotFoundError:
        pass
    try:
        import tomllib

        with open(_PYPROJECT, "rb") as fh:
            return dict(tomllib.load(fh).get("project", {}).get("urls", {}))
    except (OSError, ValueError):
        return {}


def homepage() -> str:
    """The Homepage URL; SARIF's ``informationUri`` and the HTML report's footer link point to it."""
    urls = project_urls()
    return urls.get("Homepage") or urls.get("homepage") or next(iter(urls.values()), "")
