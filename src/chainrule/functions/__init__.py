"""The ``torch.*`` functions, one module per family, each calling its rows in ``chainrule.ops``.

A function here is what a user calls (``torch.sum``, and ``x.sum()`` through
``chainrule.tensor_methods``): it reads PyTorch's arguments (``dim``, ``keepdim``,
``dtype``, NumPy's ``axis``), checks them with PyTorch's errors, and calls the
rule-table row that computes and records the operation.  Families, from the
bottom (each imports only those before it; ``lint-imports`` checks): ``creation``
and ``return_types`` (the named tuples some functions return), ``arguments``,
``comparison`` and ``random``, ``pointwise``, ``shape``, ``indexing``, ``joining``,
``reduction``, ``matrix``, ``selection``, ``conversion`` and ``dlpack``.
"""
