"""The public face: every public name is exported and listed in __all__."""

from __future__ import annotations

import storyweave


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name for name, value in vars(storyweave).items()
        if not name.startswith("_") and not getattr(value, "__name__", "").startswith("storyweave.")
    }
    assert public <= set(storyweave.__all__) | {"annotations"}
    for name in storyweave.__all__:
        assert hasattr(storyweave, name), name
