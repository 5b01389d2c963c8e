"""The thin Qt layer: windows, dialogs, models, the hover card and the clipboard.

It asks :mod:`collab_console.core` for every rule and never decides policy itself.
"""
