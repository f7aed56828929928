"""What a simulation returns, and the metrics and reports read from it."""

from .result import Comparison, Result
from .summary import Summary

__all__ = ["Comparison", "Result", "Summary"]
