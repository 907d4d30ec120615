"""``Distribution``: the base class — shapes, argument validation, sampling and printing."""
from __future__ import annotations

import warnings

import chainrule as torch

from . import constraints
from .utils import _batch_shape_of, _size, broadcast_all, lazy_property

__all__ = ["Distribution"]


class Distribution:
    """A probability distribution, batched: ``batch_shape`` independent distributions, each
    over values of ``event_shape``.

    Subclasses give ``arg_constraints`` (checked when ``validate_args`` is on, as it is by
    default) and ``support`` (checked against the values given to ``log_prob``).

    >>> d = torch.distributions.Normal(torch.zeros(3), 1.0)
    >>> d.batch_shape, d.event_shape
    (torch.Size([3]), torch.Size([]))
    >>> torch.distributions.Normal(0.0, -1.0)
    Traceback (most recent call last):
    ...
    ValueError: Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, \
scale: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:
    -1.0
    """

    has_rsample = False
    has_enumerate_support = False
    _parameters: tuple = ()  # names of the parameters of the batch shape, where a class has them
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for distributions made from now on (it is on
        unless Python runs with ``-O``).

        >>> from chainrule.distributions import Distribution
        >>> Distribution.set_default_validate_args(True)
        """
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args: bool | None = None):
        self._batch_shape = _size(batch_shape)
        self._event_shape = _size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(
                    f"{self.__class__} does not define `arg_constraints`. Please set "
                    "`arg_constraints = {}` or initialize the distribution with "
                    "`validate_args=False` to turn off validation.", stacklevel=2)
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue  # cannot be checked
                if param not in self.__dict__ and isinstance(getattr(type(self), param),
                                                             lazy_property):
                    continue  # not given: computed from another parameter
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise ValueError(
                        f"Expected parameter {param} ({type(value).__name__} of shape "
                        f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                        f"constraint {constraint!r}, but found invalid values:\n{value}")
        super().__init__()

    def expand(self, batch_shape, _instance=None):
        """A distribution with the batch dimensions expanded to ``batch_shape`` (parameters
        are expanded, not copied; arguments are not checked again).  Here: the parameters a
        class names in ``_parameters``; a class without them, or a subclass with an
        ``__init__`` of its own, defines ``expand`` itself (as in PyTorch)."""
        if not self._parameters:
            raise NotImplementedError
        named_by = next(cls for cls in type(self).__mro__ if "_parameters" in cls.__dict__)
        return self._expand_parameters(named_by, batch_shape, _instance, self._parameters)

    @property
    def batch_shape(self) -> torch.Size:
        """The shape over which the parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> torch.Size:
        """The shape of one sample, without batching."""
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        """The constraint each parameter must satisfy, by name."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint every sample satisfies."""
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=()):
        """Draw ``sample_shape`` samples (of shape ``sample_shape + batch_shape +
        event_shape``), with no graph to the parameters."""
        with torch.no_grad():
            return self.rsample(sample_shape)

    def _sample_elementwise(self, draw, sample_shape, *params):
        """``sample`` by ``draw``, a sampler of one value per element of its arguments: the
        parameters ``params`` expanded to the samples' shape, with no graph."""
        shape = self._extended_shape(sample_shape)
        with torch.no_grad():
            return draw(*[param.expand(shape) for param in params])

    def rsample(self, sample_shape=()):
        """Draw samples through which gradients flow to the parameters (the
        reparameterisation trick); only where ``has_rsample``."""
        raise NotImplementedError

    def sample_n(self, n: int):
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.",
                      FutureWarning, stacklevel=2)
        return self.sample(torch.Size((n,)))

    def log_prob(self, value):
        """The log of the density (or mass) at ``value``."""
        raise NotImplementedError

    def cdf(self, value):
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError

    def icdf(self, value):
        """The inverse of the cumulative distribution function at ``value``."""
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True):
        """All values of a discrete distribution, along a new dimension 0."""
        raise NotImplementedError

    def entropy(self):
        """The entropy, one value per batch element."""
        raise NotImplementedError

    def perplexity(self):
        """``exp(entropy)``."""
        return torch.exp(self.entropy())

    def _extended_shape(self, sample_shape=()) -> torch.Size:
        return _size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate(self, value):
        """``_validate_sample(value)`` where this distribution validates its arguments
        (``validate_args``); returns ``value``."""
        if self._validate_args:
            self._validate_sample(value)
        return value

    def _validate_sample(self, value) -> None:
        """Check that ``value`` has the event shape, broadcasts with the batch shape and lies
        in the support."""
        if not isinstance(value, torch.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.size()) - len(self._event_shape)
        if tuple(value.size()[event_dim_start:]) != tuple(self._event_shape):
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        actual, expected = value.size(), self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{actual} vs {_size(expected)}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample "
                          "validation. Please initialize the distribution with "
                          "`validate_args=False` to turn off validation.", stacklevel=2)
            return
        if not bool(support.check(value).all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}")

    def _broadcast_parameters(self, *given) -> torch.Size:
        """Broadcast the parameters ``given`` (tensors or numbers, in the order of
        ``_parameters``) to one shape, keep each as the attribute of its name, and return the
        batch shape they make: ``()`` when every one was a number, else their shape."""
        for name, value in zip(self._parameters, broadcast_all(*given)):
            setattr(self, name, value)
        return _batch_shape_of(value, *given)

    def _expand_parameters(self, cls, batch_shape, _instance, names):
        """``expand`` for a distribution whose parameters ``names`` all have shape
        ``batch_shape + event_shape``: each is expanded (not copied), nothing is checked."""
        new = self._get_checked_instance(cls, _instance)
        for name in names:
            setattr(new, name, getattr(self, name).expand(tuple(batch_shape)
                                                          + tuple(self.event_shape)))
        return self._finish_expand(new, batch_shape)

    def _expand_around(self, cls, batch_shape, _instance, holder: str):
        """``expand`` for a distribution built around another one of the same batch shape,
        kept in the attribute ``holder``: that one is expanded."""
        new = self._get_checked_instance(cls, _instance)
        setattr(new, holder, getattr(self, holder).expand(batch_shape))
        return self._finish_expand(new, batch_shape)

    def _finish_expand(self, new, batch_shape):
        """The last step of every ``expand``: give ``new`` (its parameters already expanded)
        ``batch_shape``, this distribution's event shape and its validation setting, without
        checking the arguments again."""
        Distribution.__init__(new, _size(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self) -> str:
        shown = [(k, self.__dict__[k]) for k in self.arg_constraints if k in self.__dict__]
        # one value is printed as the value, more as their shape
        args = ", ".join(f"{k}: {v if v.numel() == 1 else v.size()}" for k, v in shown)
        return f"{type(self).__name__}({args})"
