#: This package's version (PEP 440).
__version__ = "0.2.0"
