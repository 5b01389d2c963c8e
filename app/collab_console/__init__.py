"""Collab Console: the agent console for live collaboration sessions."""

# The one place the version is written: hatchling reads it into the package metadata
# ([tool.hatch.version] in pyproject.toml); --version, Help › About and CHANGELOG.md agree
# with it (tests/packaging/test_version.py).
__version__ = "0.1.0"
