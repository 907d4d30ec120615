"""The ``torch.*`` functions, one module per family, each calling its rows in ``chainrule.ops``.

A function here is what a user calls (``torch.sum``, and ``x.sum()`` through
``chainrule.tensor_methods``): it reads PyTorch's arguments (``dim``, ``keepdim``,
``dtype``, NumPy's ``axis``), checks them with PyTorch's errors, and calls the
rule-table row that computes and records the operation.  Families, from the
bottom: ``arguments``, ``creation``, ``random``, ``comparison``, ``pointwise``,
``shape``, ``indexing``, ``joining``, ``reduction``, ``matrix``, ``selection``,
``conversion``; ``return_types`` holds the named tuples some of them return.
"""
