"""``chainrule.nn.functional``: the operations that layers and losses are made of.

Most are compositions of chainrule's tensor operations, so their gradients
come from the core rule table for free.  The ones below that need a rule of
their own are ``Op``s, each for a reason given next to it: numerical
stability (``log_softmax``, ``softplus``), or speed where a composition would
record thousands of tiny nodes (convolution, pooling, embedding, ``linear``,
``nll_loss``).
"""
from __future__ import annotations

from .. import attention as _attention  # noqa: E402
from .activation import (  # noqa: F401
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from .convolution import conv1d, conv2d, conv_transpose2d  # noqa: F401
from .distance import cosine_similarity, pairwise_distance  # noqa: F401
from .dropout import dropout, dropout1d, dropout2d  # noqa: F401
from .linear import bilinear, linear  # noqa: F401
from .loss import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from .normalization import (  # noqa: F401
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    normalize,
)
from .padding import pad  # noqa: F401
from .pooling import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_pool2d_with_indices,
)
from .sampling import (  # noqa: F401
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from .sparse import embedding, one_hot  # noqa: F401

for _module in (_attention,):
    globals().update({name: getattr(_module, name) for name in _module.FUNCTIONS})
