"""The command line: argument parsing and the scriptable commands. Never imports Qt."""
