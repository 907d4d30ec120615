"""Walkthroughs for learners: ``python -m chainrule.demo.lecture``."""
