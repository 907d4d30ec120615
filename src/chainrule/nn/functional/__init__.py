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
    celu_,
    elu,
    elu_,
    gelu,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu,
    leaky_relu_,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    relu_,
    rrelu,
    rrelu_,
    selu,
    selu_,
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
    threshold_,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .convolution import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from .distance import cosine_similarity, pairwise_distance, pdist
from .dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from .linear import bilinear, linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    ctc_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from .normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    normalize,
    rms_norm,
)
from .padding import pad
from .pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .sampling import (
    channel_shuffle,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from .sparse import embedding, embedding_bag, one_hot
from .vision import affine_grid, grid_sample

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
__all__ += [
    "conv3d", "conv_transpose1d", "conv_transpose3d", "fold", "unfold", "max_pool3d",
    "max_pool1d_with_indices", "max_pool3d_with_indices", "avg_pool3d", "adaptive_avg_pool3d",
    "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "rms_norm", "local_response_norm",
]
__all__ += ["channel_shuffle", "affine_grid", "grid_sample"]
# issue 12: the rest of PyTorch's losses, dropouts, activations, embedding and attention
__all__ += [
    "rrelu", "relu_", "elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_", "threshold_",
    "rrelu_", "alpha_dropout", "feature_alpha_dropout", "dropout3d", "pdist",
    "ctc_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
    "embedding_bag", "gumbel_softmax", "multi_head_attention_forward",
]
