"""Core of the US-presence-in-Iraq map: data loading, validation and year semantics.

Nothing in this package imports streamlit; the app and its pages are thin shells over it.
"""

from presence.dataset import Dataset, load_dataset
from presence.problems import DataError, Problem

__all__ = ["Dataset", "DataError", "Problem", "load_dataset"]
