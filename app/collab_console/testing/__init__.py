"""The QA kit: a pytest plugin, page objects and steps for scripted tests of the console.

``pip install collab-console[qa]`` brings pytest and pytest-qt; pytest then
loads :mod:`collab_console.testing.plugin` by itself (a ``pytest11`` entry
point), so its fixtures (``console_page``, ``system_clipboard``,
``fixed_clock``…) are there in any repository. Page objects are in
:mod:`collab_console.testing.pages`, the steps under them in
:mod:`collab_console.testing.driving`. docs/qa.md documents them.

Nothing in the app imports this package (an import-linter contract says so).
"""
