"""Doctest set-up: every doctest starts and ends without open figures."""

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a doctest drew, so a whole run never holds dozens."""
    yield
    import sys

    plt = sys.modules.get("matplotlib.pyplot")  # only if a doctest imported it
    if plt is not None:
        plt.close("all")
