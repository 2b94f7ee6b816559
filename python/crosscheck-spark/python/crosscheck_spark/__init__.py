"""crosscheck on Apache Spark: the cross-reference of ``crosscheck xref``, scored by the same Rust
engine (the ``_native`` module, built by maturin), blocked and clustered by Spark.

``python -m crosscheck_spark.xref --help`` runs it; :mod:`crosscheck_spark.native` is the engine
over pyarrow record batches.
"""

from . import _native

__version__ = _native.ENGINE_VERSION
__all__ = ["__version__"]
