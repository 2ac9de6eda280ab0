"""Builder of the embedded default dataset: a reconstruction consistent with published figures.

Run ``python -m tools.reconstruct`` from the repository root (with ``src`` on the path). It reads
``data-raw/reconstruct/`` and writes ``src/ictrade/datasets/default/``. Deterministic.
"""
