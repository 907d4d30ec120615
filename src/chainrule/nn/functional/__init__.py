"""``chainrule.nn.functional``: the functions that layers and losses are made of, as in
``torch.nn.functional``.

One module per topic: ``activation``, ``linear``, ``convolution``, ``pooling``,
``normalization``, ``dropout``, ``loss``, ``padding``, ``sparse`` (embedding,
one_hot), ``sampling`` (interpolate, pixel shuffles), ``vision`` (affine_grid,
grid_sample), ``distance`` and ``attention``; ``arguments`` holds the argument
checks they share.  Each
function checks PyTorch's arguments and either calls its row in
``chainrule.ops`` (convolution, pooling, normalisation, ``linear``, the
losses and activations with a rule of their own) or composes other tensor
operations, whose gradients come from their rules.  ``softmax`` and
``log_softmax`` are ``torch.softmax`` and ``torch.log_softmax`` themselves.

The modules ``linear`` and ``dropout`` share their names with a function: as
attributes of this package those names are the functions (``F.linear`` is the
function, as in PyTorch); import from the modules with ``from
chainrule.nn.functional.linear import ...``.

>>> import chainrule.nn.functional as F
>>> F.relu(torch.tensor([-1., 2.]))
tensor([0., 2.])
>>> F.softmax is torch.softmax
True
"""
from __future__ import annotations

# The topic modules, for their __all__; ``linear`` and ``dropout`` under other names, since
# as attributes of this package those names are the functions (bound by the imports below).
from . import (
           activation,
           attention,
           convolution,
           distance,
           loss,
           normalization,
           padding,
           pooling,
           sampling,
           sparse,
           vision,
)
from . import dropout as _dropout_topic
from . import linear as _linear_topic
from .activation import *  # noqa: F403
from .attention import *  # noqa: F403
from .convolution import *  # noqa: F403
from .distance import *  # noqa: F403
from .dropout import *  # noqa: F403
from .linear import *  # noqa: F403
from .loss import *  # noqa: F403
from .normalization import *  # noqa: F403
from .padding import *  # noqa: F403
from .pooling import *  # noqa: F403
from .sampling import *  # noqa: F403
from .sparse import *  # noqa: F403
from .vision import *  # noqa: F403

_TOPICS = (activation, _linear_topic, convolution, pooling, normalization, _dropout_topic, loss,
           padding, sparse, sampling, vision, distance, attention)
__all__ = [name for topic in _TOPICS for name in topic.__all__]
