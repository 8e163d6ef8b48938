"""Where the embedded default model, document templates and sample inputs are.

An installed wheel carries them as package data (`evalgen/_data/…`); a checkout (or an
editable install) uses the repository's own `scoring/`, `templates/` and `sample_inputs/`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEFAULT_INPUTS", "DEFAULT_MODEL", "DEFAULT_TEMPLATES"]

_MODEL_FILE = "xingtai-2023-2027.yaml"


def _data_dir(name: str) -> Path:
    """The packaged folder `name` if this is an installed wheel, else the checkout's."""
    packaged = Path(str(resources.files("evalgen"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


DEFAULT_MODEL = _data_dir("scoring") / _MODEL_FILE
DEFAULT_TEMPLATES = _data_dir("templates")
DEFAULT_INPUTS = _data_dir("sample_inputs")
