"""What a simulation returns, and the metrics and reports read from it."""

from .result import Comparison, Result

__all__ = ["Comparison", "Result"]
