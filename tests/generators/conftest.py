"""Fixtures of the generator tests."""

import pytest


@pytest.fixture
def sampling_with(monkeypatch):
    """``sampling_with(extra)(name)``: the sampling settings of class ``name`` read from the bundled
    ``language_model.toml`` with the TOML text ``extra`` appended (the settings cache is cleared before and after)."""
    from polyloop.generators import sampling as module

    text = module.resources.files("polyloop.generators.data").joinpath("language_model.toml").read_text()

    def read(extra: str):
        class Data:
            def joinpath(self, name):
                return self

            def read_text(self):
                return text + "\n" + extra + "\n"

        monkeypatch.setattr(module.resources, "files", lambda package: Data())
        module.sampling.cache_clear()
        return module.sampling

    yield read
    module.sampling.cache_clear()
