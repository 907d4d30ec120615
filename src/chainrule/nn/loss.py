"""Loss layers: ``MSELoss``, ``CrossEntropyLoss``, ... as in ``torch.nn``.

A loss layer is its function in ``nn.functional`` with the options fixed: it
keeps ``reduction`` (or PyTorch's older ``size_average`` and ``reduce``) and
its own options (class weights as buffers), and passes them back by name on
every call.
"""
from __future__ import annotations

import warnings

from ..tensor import Tensor
from . import functional
from .distance import PairwiseDistance
from .functional.loss import legacy_reduction
from .module import Module, original_init


class _Loss(Module):
    """What the losses share: ``reduction`` (or PyTorch's older ``size_average`` and
    ``reduce``) and their own options, given as keywords and kept as attributes; a call
    is ``_function(*inputs, reduction=..., **options)``."""

    _shared_init = True  # PyTorch's losses inherit _Loss.__init__ too

    @staticmethod
    def _function(*inputs: Tensor, **options) -> Tensor:
        raise NotImplementedError

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 **options) -> None:
        super().__init__()
        if options and original_init(type(self)) in (_Loss.__init__, _WeightedLoss.__init__):
            # a loss without options of its own: the caller's keyword is a mistake
            raise TypeError(f"{type(self).__init__.__qualname__}() got an unexpected keyword "
                            f"argument '{next(iter(options))}'")
        if size_average is not None or reduce is not None:
            reduction = legacy_reduction(size_average, reduce)
        self.reduction = reduction
        self._options = tuple(options)
        for name, value in options.items():
            setattr(self, name, value)

    def forward(self, *inputs: Tensor, **named: Tensor) -> Tensor:
        # inputs by position, or by the names of PyTorch's forward (its function's names)
        options = {name: getattr(self, name) for name in self._options}
        return self._function(*inputs, **named, reduction=self.reduction, **options)


class _WeightedLoss(_Loss):
    """A loss with a ``weight`` per class, kept as a buffer."""

    _shared_init = True

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean", **options) -> None:
        super().__init__(size_average, reduce, reduction, **options)
        self.register_buffer("weight", weight)
        self._options += ("weight",)


class MSELoss(_Loss):
    """Mean squared error.

    >>> torch.nn.MSELoss()(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(2.)
    """

    _function = staticmethod(functional.mse_loss)


class L1Loss(_Loss):
    """Mean absolute error.

    >>> torch.nn.L1Loss()(torch.tensor([1., 2.]), torch.tensor([2., 0.]))
    tensor(1.5000)
    """

    _function = staticmethod(functional.l1_loss)


class HuberLoss(_Loss):
    """Squared error below ``delta``, absolute error above.

    >>> huber = torch.nn.HuberLoss(delta=2.0)  # 0.5 * 1 ** 2 and 2 * (4 - 0.5 * 2), averaged
    >>> huber(torch.zeros(2), torch.tensor([1., 4.]))
    tensor(3.2500)
    """

    _function = staticmethod(functional.huber_loss)

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction, delta=delta)


class SmoothL1Loss(_Loss):
    """Huber loss divided by ``beta``.

    >>> torch.nn.SmoothL1Loss(beta=0.5)(torch.tensor([[0.25]]), torch.zeros(1, 1))
    tensor(0.0625)
    """

    _function = staticmethod(functional.smooth_l1_loss)

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction, beta=beta)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices, given log-probabilities.

    >>> torch.nn.NLLLoss()(torch.tensor([[-1., -2.]]), torch.tensor([1]))
    tensor(2.)
    """

    _function = staticmethod(functional.nll_loss)

    def __init__(self, weight: Tensor | None = None, size_average=None,
                 ignore_index: int = -100, reduce=None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction, ignore_index=ignore_index)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices or probabilities.

    >>> torch.nn.CrossEntropyLoss()(torch.tensor([[0., 0.]]), torch.tensor([1]))
    tensor(0.6931)
    """

    _function = staticmethod(functional.cross_entropy)

    def __init__(self, weight: Tensor | None = None, size_average=None,
                 ignore_index: int = -100, reduce=None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities.

    >>> torch.nn.BCELoss()(torch.tensor([0.5]), torch.tensor([1.]))
    tensor(0.6931)
    """

    _function = staticmethod(functional.binary_cross_entropy)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of logits, computed without overflow.

    >>> torch.nn.BCEWithLogitsLoss()(torch.tensor([0.]), torch.tensor([1.]))
    tensor(0.6931)
    """

    _function = staticmethod(functional.binary_cross_entropy_with_logits)

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.register_buffer("pos_weight", pos_weight)
        self._options += ("pos_weight",)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence loss.

    >>> kl = torch.nn.KLDivLoss(reduction='batchmean', log_target=True)
    >>> kl  # PyTorch shows no options
    KLDivLoss()
    >>> kl(torch.zeros(2, 2), torch.tensor([[0., 0.], [1., 1.]]))
    tensor(2.7183)
    """

    _function = staticmethod(functional.kl_div)

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction, log_target=log_target)


class _MarginLoss(_Loss):
    """A loss with a ``margin``, taken first (then PyTorch's reduction arguments)."""

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction, margin=margin)


class MarginRankingLoss(_MarginLoss):
    """``max(0, -y * (x1 - x2) + margin)``.

    >>> ranking = torch.nn.MarginRankingLoss(margin=0.5)
    >>> x1, x2 = torch.tensor([1., 2.]), torch.tensor([2., 1.])
    >>> ranking(x1, x2, torch.ones(2))  # x1 should rank higher: wrong by 1 in the first pair
    tensor(0.7500)
    """

    _function = staticmethod(functional.margin_ranking_loss)


class HingeEmbeddingLoss(_MarginLoss):
    """``x`` for similar pairs, ``max(0, margin - x)`` for dissimilar ones.

    >>> torch.nn.HingeEmbeddingLoss()(torch.tensor([0.3, 0.3]), torch.tensor([1., -1.]))
    tensor(0.5000)
    """

    _function = staticmethod(functional.hinge_embedding_loss)

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:  # PyTorch's default margin differs here
        super().__init__(margin, size_average, reduce, reduction)


class CosineEmbeddingLoss(_MarginLoss):
    """``1 - cos`` for similar pairs, ``max(0, cos - margin)`` for dissimilar ones.

    >>> loss = torch.nn.CosineEmbeddingLoss()
    >>> loss(torch.tensor([[1., 0.]]), torch.tensor([[0., 1.]]), torch.tensor([1.]))
    tensor(1.)
    """

    _function = staticmethod(functional.cosine_embedding_loss)


class SoftMarginLoss(_Loss):
    """``log(1 + exp(-y * x))``.

    >>> x, y = torch.tensor([0., 2.]), torch.tensor([1., -1.])
    >>> torch.nn.SoftMarginLoss()(x, y)  # log(2) and log(1 + exp(2)), averaged
    tensor(1.4100)
    """

    _function = staticmethod(functional.soft_margin_loss)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class binary cross-entropy of logits, averaged over the classes.

    >>> logits, labels = torch.zeros(1, 3), torch.tensor([[1., 0., 1.]])
    >>> torch.nn.MultiLabelSoftMarginLoss()(logits, labels)
    tensor(0.6931)
    """

    _function = staticmethod(functional.multilabel_soft_margin_loss)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood.

    >>> torch.nn.PoissonNLLLoss()(torch.tensor([0., 1.]), torch.tensor([1., 2.]))
    tensor(0.8591)
    >>> torch.nn.PoissonNLLLoss(log_input=False)(torch.tensor([2.]), torch.tensor([2.]))
    tensor(0.6137)
    """

    _function = staticmethod(functional.poisson_nll_loss)

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None,
                 eps: float = 1e-8, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction, log_input=log_input, full=full,
                         eps=eps)

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        # PyTorch's forward names its input log_input, as the option is named
        return functional.poisson_nll_loss(log_input, target, self.log_input, self.full,
                                           reduction=self.reduction, eps=self.eps)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood with a predicted variance.

    >>> mean, target, var = torch.tensor([0., 1.]), torch.ones(2), torch.tensor([1., 2.])
    >>> torch.nn.GaussianNLLLoss()(mean, target, var)
    tensor(0.4233)
    """

    _function = staticmethod(functional.gaussian_nll_loss)

    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: str = "mean") -> None:
        super().__init__(None, None, reduction, full=full, eps=eps)


class TripletMarginLoss(_Loss):
    """Triplet loss with a ``p``-norm distance.

    >>> anchor, positive = torch.zeros(1, 2), torch.tensor([[1., 0.]])
    >>> torch.nn.TripletMarginLoss(margin=3.)(anchor, positive, torch.tensor([[3., 0.]]))
    tensor(1.)
    """

    _function = staticmethod(functional.triplet_margin_loss)

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction, margin=margin, p=p, eps=eps, swap=swap)


class NLLLoss2d(NLLLoss):
    """``NLLLoss`` under its old name for ``(N, C, H, W)`` inputs (deprecated, as in PyTorch).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.nn.NLLLoss2d()
    NLLLoss2d()
    """

    def __init__(self, weight: Tensor | None = None, size_average=None,
                 ignore_index: int = -100, reduce=None, reduction: str = "mean") -> None:
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a "
                      "drop-in replacement and see https://pytorch.org/docs/main/nn.html#torch."
                      "nn.NLLLoss for more details.", FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class CTCLoss(_Loss):
    """The connectionist temporal classification loss (see ``torch.nn.functional.ctc_loss``);
    called as ``loss(log_probs, targets, input_lengths, target_lengths)``.

    >>> log_probs = torch.full((2, 1, 2), 0.5).log()  # two steps, two equally likely classes
    >>> torch.nn.CTCLoss()(log_probs, torch.tensor([[1]]), [2], [1])
    tensor(0.2877)
    """

    _function = staticmethod(functional.ctc_loss)

    def __init__(self, blank: int = 0, reduction: str = "mean",
                 zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction, blank=blank, zero_infinity=zero_infinity)


class MultiMarginLoss(_WeightedLoss):
    """The multi-class hinge loss ``max(0, margin - x[y] + x[i]) ** p`` over the other
    classes ``i``.

    >>> torch.nn.MultiMarginLoss()(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3]))
    tensor(0.3250)
    """

    _function = staticmethod(functional.multi_margin_loss)

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average=None, reduce=None, reduction: str = "mean") -> None:
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got "
                             f"{weight.ndim}D instead")
        super().__init__(weight, size_average, reduce, reduction, p=p, margin=margin)


class MultiLabelMarginLoss(_Loss):
    """The multi-label hinge loss over each sample's listed classes (ended by -1).

    >>> torch.nn.MultiLabelMarginLoss()(torch.tensor([[0.1, 0.2, 0.4, 0.8]]),
    ...                                 torch.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """

    _function = staticmethod(functional.multilabel_margin_loss)


class TripletMarginWithDistanceLoss(_Loss):
    """Triplet loss with any distance function (a ``PairwiseDistance`` by default).

    >>> loss = torch.nn.TripletMarginWithDistanceLoss(margin=0.5)
    >>> loss
    TripletMarginWithDistanceLoss(
      (distance_function): PairwiseDistance()
    )
    >>> loss(torch.zeros(1, 2), torch.tensor([[0., 1.]]), torch.tensor([[1., 0.]]))
    tensor(0.5000)
    """

    _function = staticmethod(functional.triplet_margin_with_distance_loss)

    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean") -> None:
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater "
                             f"than 0, got {margin} instead")
        distance_function = distance_function if distance_function is not None \
            else PairwiseDistance()
        super().__init__(reduction=reduction, distance_function=distance_function,
                         margin=margin, swap=swap)
