"""The programs here are scripts, run by tests/test_programs.py in their own processes:
pytest must not import them (--doctest-modules would run each at collection)."""
collect_ignore_glob = ["*.py", "*/*.py"]
