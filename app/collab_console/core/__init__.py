"""The Qt-free core: domain, settings, copy policy and clipboard text.

Nothing in this package may import Qt; ``tests/core/test_no_qt.py`` and the
import-linter contract in ``pyproject.toml`` check it.
"""
