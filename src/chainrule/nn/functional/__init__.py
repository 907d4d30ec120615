"""``chainrule.nn.functional``: the functions that layers and losses are made of, as in
``torch.nn.functional``.

One module per topic: ``activation``, ``linear``, ``convolution``, ``pooling``,
``normalization``, ``dropout``, ``loss``, ``padding``, ``sparse`` (embedding,
one_hot), ``sampling`` (interpolate, pixel shuffles), ``distance`` and
``attention``; ``arguments`` holds the argument checks they share.  Each
function checks PyTorch's arguments and either calls its row in
``chainrule.ops`` (convolution, pooling, normalisation, ``linear``, the
losses and activations with a rule of their own) or composes other tensor
operations, whose gradients come from their rules.  ``softmax`` and
``log_softmax`` are ``torch.softmax`` and ``torch.log_softmax`` themselves.

The modules ``linear`` and ``dropout`` share their names with a function: as
attributes of this package those names are the functions (``F.linear`` is the
function, as in PyTorch); import from the modules with ``from
chainrule.nn.functional.linear import ...``.

>>> import chainrule as torch
>>> import chainrule.nn.functional as F
>>> F.relu(torch.tensor([-1., 2.]))
tensor([0., 2.])
>>> F.softmax is torch.softmax
True
"""
from __future__ import annotations

from .activation import (
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
from .attention import scaled_dot_product_attention
from .convolution import conv1d, conv2d, conv_transpose2d
from .distance import cosine_similarity, pairwise_distance
from .dropout import dropout, dropout1d, dropout2d
from .linear import bilinear, linear
from .loss import (
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
from .normalization import batch_norm, group_norm, instance_norm, layer_norm, normalize
from .padding import pad
from .pooling import (
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
from .sampling import (
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from .sparse import embedding, one_hot

__all__ = [
    "relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "celu", "gelu", "silu", "mish",
    "hardtanh", "hardswish", "hardsigmoid", "sigmoid", "logsigmoid", "tanh", "softplus",
    "softsign", "softmax", "log_softmax", "softmin", "threshold", "glu", "tanhshrink",
    "softshrink", "hardshrink", "linear", "bilinear", "conv1d", "conv2d", "conv_transpose2d",
    "max_pool1d", "max_pool2d", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "layer_norm", "batch_norm", "group_norm", "instance_norm", "normalize", "dropout", "dropout1d",
    "dropout2d", "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss",
    "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "triplet_margin_loss",
    "pad", "embedding", "one_hot", "interpolate", "upsample", "upsample_nearest",
    "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle", "cosine_similarity",
    "pairwise_distance", "scaled_dot_product_attention",
]
