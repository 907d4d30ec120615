"""The primitives and their derivative rules, one module per family.

Every public function here takes and returns Tensors.  Each primitive is an
``Op`` whose table row names the forward computation (on arrays) and the
backward formula per input (on tensors).  Composite operations are written in
terms of primitives and need no rule of their own.

``torch.nn``'s primitives are rows here too, by topic: ``activation``,
``convolution``, ``pooling``, ``normalization``, ``loss``, ``embedding``,
``padding``, ``shuffle``, ``sampling`` (interpolate), ``vision`` (affine_grid)
and ``trilinear`` (bilinear's product); ``linear``'s rows are in ``linalg``.
"""
