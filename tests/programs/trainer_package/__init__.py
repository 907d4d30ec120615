"""A small package run as a module: python -m trainer_package.train (relative imports)."""
