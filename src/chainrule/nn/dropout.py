"""Dropout layers: ``Dropout``, ``Dropout1d``/``2d``/``3d``, ``AlphaDropout`` and
``FeatureAlphaDropout``, as in ``torch.nn``.

Each is its function in ``nn.functional`` with ``p`` and ``inplace`` fixed,
active while the layer is training (``model.train()``) and the identity in
eval mode (``model.eval()``).
"""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module


class _DropoutNd(Module):
    """What the dropout layers share: ``p``, ``inplace``, their ``repr``, and a forward that
    calls ``_function(input, p, training, inplace)``."""

    _shared_init = True  # its layers' constructor errors name it, as PyTorch's

    @staticmethod
    def _function(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
        raise NotImplementedError

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return self._function(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes elements with probability ``p`` while training.

    >>> torch.nn.Dropout()
    Dropout(p=0.5, inplace=False)
    """

    _function = staticmethod(functional.dropout)


class Dropout1d(_DropoutNd):
    """Channel dropout for ``(N, C, L)``.

    >>> out = torch.nn.Dropout1d()(torch.ones(1, 4, 3))  # training
    >>> all(row in ([2., 2., 2.], [0., 0., 0.]) for row in out[0].tolist())  # kept (x2) or 0
    True
    """

    _function = staticmethod(functional.dropout1d)


class Dropout2d(_DropoutNd):
    """Channel dropout for ``(N, C, H, W)``.

    >>> torch.nn.Dropout2d(0.3)
    Dropout2d(p=0.3, inplace=False)
    """

    _function = staticmethod(functional.dropout2d)


class Dropout3d(_DropoutNd):
    """Channel dropout for ``(N, C, D, H, W)``.

    >>> layer = torch.nn.Dropout3d(0.2).eval()
    >>> layer(torch.ones(1, 1, 1, 1, 2))
    tensor([[[[[1., 1.]]]]])
    """

    _function = staticmethod(functional.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for self-normalising (SELU) networks: keeps mean 0 and variance 1.

    >>> out = torch.nn.AlphaDropout(0.2)(torch.randn(10000))
    >>> abs(out.mean().item()) < 0.1, abs(out.std().item() - 1) < 0.1
    (True, True)
    """

    _function = staticmethod(functional.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """``AlphaDropout`` of whole channels.

    >>> out = torch.nn.FeatureAlphaDropout(0.5)(torch.zeros(1, 6, 4))
    >>> bool((out == out[:, :, :1]).all())  # each channel kept or dropped whole
    True
    """

    _function = staticmethod(functional.feature_alpha_dropout)
