"""Random numbers: the generator, sampling functions, and the in-place random initialisers.

chainrule draws from NumPy's PCG64: a seed repeats chainrule's numbers, not PyTorch's.
"""
from __future__ import annotations

import contextlib
import threading

from .. import _dtypes
from .._backend import xp
from .._shapes import new_size
from ..ops import refused as refused_ops
from ..tensor import Tensor, _on_cpu
from .creation import not_implemented
from .out import FACTORY, out_variant

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like",
    "randint_like", "bernoulli", "poisson", "Tensor", "multinomial", "binomial",
    "thread_safe_generator",
]


class Generator:
    """A source of random numbers with its own state.

    >>> g = torch.Generator().manual_seed(0)
    >>> torch.rand(2, generator=g).shape
    torch.Size([2])
    """

    def __init__(self, device="cpu"):
        self._seed = 67280421310721
        self._state = None  # NumPy's generator, made on first use

    @property
    def _rng(self):
        # Made lazily: importing numpy.random costs ~10 ms of `import chainrule`.
        if self._state is None:
            self._state = xp.random.default_rng(self._seed)
        return self._state

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self._state = None
        return self

    def seed(self) -> int:
        import secrets
        self.manual_seed(secrets.randbits(63))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        return self._rng.bit_generator.state

    def set_state(self, state) -> None:
        self._rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, so that the random numbers that follow repeat.

    >>> _ = torch.manual_seed(0); a = torch.rand(1)
    >>> _ = torch.manual_seed(0); bool(a == torch.rand(1))
    True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from a non-deterministic source; returns the seed used.

    >>> isinstance(torch.seed(), int)
    True
    """
    return default_generator.seed()


def thread_safe_generator() -> Generator | None:
    """The generator a DataLoader worker thread should draw from, or None (the default one)
    outside such a thread.  chainrule's DataLoader loads every batch in the calling process,
    never in worker threads, so this is always None.

    >>> torch.randint(0, 10, (3,), generator=torch.thread_safe_generator()).shape
    torch.Size([3])
    """
    return None


def initial_seed() -> int:
    """The seed the default generator was last seeded with.

    >>> _ = torch.manual_seed(7)
    >>> torch.initial_seed()
    7
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state, to be restored later with ``set_rng_state``.

    >>> state = torch.get_rng_state(); a = torch.rand(1)
    >>> torch.set_rng_state(state); bool(a == torch.rand(1))
    True
    """
    return default_generator.get_state()


def set_rng_state(state) -> None:
    """Restore the default generator to a state taken by ``get_rng_state``.

    >>> state = torch.get_rng_state(); a = torch.randn(2)
    >>> torch.set_rng_state(state); torch.equal(a, torch.randn(2))
    True
    """
    default_generator.set_state(state)


class _Refusal(threading.local):
    message = None  # while set, every random draw raises RuntimeError(message)


_refusal = _Refusal()


@contextlib.contextmanager
def random_refused(message: str | None):
    """Inside this block every random draw raises ``RuntimeError(message)`` (``None``: draws
    are allowed again), as under ``vmap(randomness="error")``: a loop over the samples
    would draw different numbers for each, where a vectorised run would not know how to.

    >>> with random_refused("no random numbers here"):
    ...     torch.rand(1)
    Traceback (most recent call last):
    RuntimeError: no random numbers here
    """
    previous = _refusal.message
    _refusal.message = message
    try:
        yield
    finally:
        _refusal.message = previous


def _rng(generator):
    if _refusal.message is not None:
        raise RuntimeError(_refusal.message)
    return (generator or default_generator)._rng


def _finish(data, dtype, requires_grad) -> Tensor:
    t = Tensor._make(data.astype((dtype or _dtypes.get_default_dtype()).np, copy=False))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _floats(draw, kernel: str, shape, size, generator, dtype, device,
            requires_grad) -> Tensor:
    """What ``rand`` and ``randn`` share: ``draw(rng, size)`` makes the numbers; a dtype
    that is not floating gets the error of PyTorch's ``kernel``."""
    _on_cpu(device)
    if dtype is not None and not dtype.is_floating_point:
        raise not_implemented(kernel, dtype)
    size = shape if size is None else (size,)  # torch.rand(2, 3) or (size=(2, 3))
    return _finish(draw(_rng(generator), new_size(size)), dtype, requires_grad)


@out_variant(FACTORY)
def rand(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Uniform random numbers in [0, 1).

    >>> torch.rand(2, 3).shape
    torch.Size([2, 3])
    """
    return _floats(xp.random.Generator.random, "check_uniform_bounds", shape, size, generator,
                   dtype, device, requires_grad)


@out_variant(FACTORY)
def randn(*shape, size=None, generator=None, dtype=None, device=None,
          requires_grad=False) -> Tensor:
    """Standard normal random numbers.

    >>> torch.randn(4).dtype
    torch.float32
    """
    return _floats(xp.random.Generator.standard_normal, "normal_kernel_cpu", shape, size,
                   generator, dtype, device, requires_grad)


@out_variant(FACTORY)
def randint(low, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad=False) -> Tensor:
    """Random integers in ``[low, high)`` (int64 unless ``dtype`` says otherwise).

    >>> torch.randint(0, 10, (3,)).dtype
    torch.int64
    """
    _on_cpu(device)
    if size is None:
        low, high, size = 0, low, high
    if dtype is _dtypes.bool and high > 2:
        raise RuntimeError("to - 1 is out of bounds for bool")
    data = _rng(generator).integers(low, high, size=new_size((size,)))
    return _finish(data, dtype or _dtypes.int64, requires_grad)


@out_variant(FACTORY)
def randperm(n: int, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A random permutation of ``0 .. n-1``.

    >>> sorted(torch.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    _on_cpu(device)
    if dtype is _dtypes.bool:
        raise not_implemented("randperm", dtype)
    return _finish(_rng(generator).permutation(n), dtype or _dtypes.int64, requires_grad)


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None,
           requires_grad=False):
    """Normal random numbers with the given mean and standard deviation.

    >>> torch.normal(0.0, 1.0, size=(2,)).shape
    torch.Size([2])
    """
    _on_cpu(device)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = new_size((size,)) if size is not None \
        else xp.broadcast_shapes(xp.shape(m), xp.shape(s))
    data = _rng(generator).normal(m, s, size=shape)
    like = mean if isinstance(mean, Tensor) else std if isinstance(std, Tensor) else None
    return _finish(data, dtype or (like.dtype if like is not None else None), requires_grad)


def rand_like(input, dtype=None, generator=None, requires_grad=False) -> Tensor:
    """Uniform random numbers in [0, 1) with the shape (and dtype) of ``input``.

    >>> torch.rand_like(torch.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype,
                requires_grad=requires_grad)


def randn_like(input, dtype=None, generator=None, requires_grad=False) -> Tensor:
    """Standard normal random numbers with the shape (and dtype) of ``input``.

    >>> torch.randn_like(torch.zeros(2, dtype=torch.float64)).dtype
    torch.float64
    """
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype,
                 requires_grad=requires_grad)


def randint_like(input, low, high=None, dtype=None) -> Tensor:
    """Random integers in [``low``, ``high``) (or [0, ``low``)) with the shape and dtype of
    ``input``.

    >>> r = torch.randint_like(torch.zeros(100), 3, 5)
    >>> bool(((r >= 3) & (r < 5)).all()), r.dtype
    (True, torch.float32)
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype)


def bernoulli(input, p=None, generator=None) -> Tensor:
    """Draws 1 with probability ``input`` (or ``p``) and 0 otherwise, elementwise.

    >>> torch.bernoulli(torch.tensor([0., 1.]))
    tensor([0., 1.])
    """
    probs = input._data if p is None else xp.full(input.shape, p)
    data = _rng(generator).random(input.shape) < probs
    return Tensor._make(data.astype(input._data.dtype))


def poisson(input, generator=None) -> Tensor:
    """Poisson counts with rate ``input``, elementwise, in ``input``'s dtype.

    >>> torch.poisson(torch.zeros(3))
    tensor([0., 0., 0.])
    """
    return Tensor._make(_rng(generator).poisson(input._data).astype(input._data.dtype))


def binomial(count, prob, generator=None) -> Tensor:
    """Binomial counts: successes in ``count`` trials of probability ``prob``, elementwise
    (the two broadcast), in ``count``'s floating dtype.

    >>> torch.binomial(torch.tensor([0., 5.]), torch.tensor([0.3, 1.0]))
    tensor([0., 5.])
    """
    if not count.dtype.is_floating_point:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{count.dtype.scalar_name}")
    if prob.dtype is not count.dtype:
        raise RuntimeError(f"Found dtype {prob.dtype.scalar_name} but expected "
                           f"{count.dtype.scalar_name}")
    if count.dtype.name == "float16":
        raise NotImplementedError("\"binomial_cpu\" not implemented for 'Half'")
    n, p = xp.broadcast_arrays(count._data, prob._data)
    trials = xp.maximum(xp.floor(xp.nan_to_num(n)), 0).astype(xp.int64)
    chance = xp.clip(xp.nan_to_num(p), 0.0, 1.0)
    samples = _rng(generator).binomial(trials, chance).astype(count._data.dtype)
    samples[xp.isnan(p)] = xp.nan  # a NaN probability gives NaN, as in PyTorch
    return refused_ops.binomial(count, prob, samples)


# --- in-place random initialisers (x.normal_(0, 0.01), x.uniform_(-a, a), ...) ----------
def _refill(self: Tensor, data, name: str, floating_only: bool = True) -> Tensor:
    """Write ``data`` into ``self`` in place, as ``copy_`` does (leaf check, version counter;
    a recorded tensor gets a node whose gradient to the old values is zero, as in PyTorch)."""
    if floating_only and not self.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"{name}_kernel_cpu\" not implemented for '{self.dtype.scalar_name}'. "
            "Fix: convert the tensor with .float() first.")
    return self.copy_(Tensor._make(xp.asarray(data).astype(self._data.dtype, copy=False)))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill with normal random numbers of the given mean and std, in place.

    >>> torch.zeros(2, 3).normal_(0, 0.01).shape
    torch.Size([2, 3])
    """
    return _refill(self, _rng(generator).normal(mean, std, self.shape), "normal")


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator=None,
             **kwargs) -> Tensor:
    """Fill with uniform random numbers in ``[from, to)``, in place.

    >>> bool((torch.zeros(100).uniform_(-1, 1).abs() <= 1).all())
    True
    """
    a, b = kwargs.pop("from", a), kwargs.pop("to", b)  # PyTorch's keywords are from= and to=
    return _refill(self, _rng(generator).uniform(a, b, self.shape), "uniform")


def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill with 1 with probability ``p`` (a number or a tensor) and 0 otherwise, in place.

    >>> torch.zeros(3).bernoulli_(1.0)
    tensor([1., 1., 1.])
    """
    probs = p._data if isinstance(p, Tensor) else p
    return _refill(self, _rng(generator).random(self.shape) < probs, "bernoulli", False)


def random_(self: Tensor, a=None, b=None, *, generator=None, **kwargs) -> Tensor:
    """Fill with random integers: ``random_(to)`` in ``[0, to)``, ``random_(from, to)``;
    with no bounds, ``[0, 2**mantissa]`` for floats and ``[0, max]`` for integers.

    >>> x = torch.zeros(100, dtype=torch.int64).random_(2, 5)
    >>> bool(((x >= 2) & (x < 5)).all()), x.dtype
    (True, torch.int64)
    """
    a, b = kwargs.pop("from", a), kwargs.pop("to", b)
    if b is None:
        a, b = 0, a
    if b is None:
        digits = {"float64": 53, "float32": 24, "float16": 11}.get(self.dtype.name)
        b = 2 ** digits + 1 if digits else int(xp.iinfo(self._data.dtype).max) \
            if self.dtype.name != "bool" else 2
    return _refill(self, _rng(generator).integers(a, b, self.shape), "random", False)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill with exponential random numbers of rate ``lambd``, in place.

    >>> bool((torch.zeros(100).exponential_(2.0) >= 0).all())
    True
    """
    return _refill(self, _rng(generator).exponential(1 / lambd, self.shape), "exponential")


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
    """Fill with ``exp(N(mean, std))`` random numbers, in place.

    >>> bool((torch.zeros(100).log_normal_() > 0).all())
    True
    """
    return _refill(self, _rng(generator).lognormal(mean, std, self.shape), "log_normal")


def geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    """Fill with the number of Bernoulli(``p``) trials up to the first success (1, 2, ...).

    >>> torch.zeros(3).geometric_(1.0)
    tensor([1., 1., 1.])
    """
    return _refill(self, _rng(generator).geometric(p, self.shape), "geometric", False)


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
    """Fill with Cauchy random numbers, in place.

    >>> torch.zeros(4).cauchy_().shape
    torch.Size([4])
    """
    data = median + sigma * _rng(generator).standard_cauchy(self.shape)
    return _refill(self, data, "cauchy")


Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p, generator)


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None):
    """Draws ``num_samples`` category indices per row with probabilities proportional to
    ``input``'s (non-negative) weights; without ``replacement`` no index repeats in a row.

    >>> torch.multinomial(torch.tensor([0., 1., 0.]), 2, replacement=True)
    tensor([1, 1])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype.name.capitalize()}")
    weights = input._data.reshape(-1, input.shape[-1]).astype(xp.float64)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > weights.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if (weights < 0).any() or not xp.isfinite(weights).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = weights.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _rng(generator)
    if replacement:
        out = xp.stack([rng.choice(w.size, size=num_samples, p=w / total)
                        for w, total in zip(weights, totals)])
    else:
        # Without replacement: the num_samples largest of w / Exponential(1) noise is a draw
        # one category at a time (as PyTorch samples it); zero weights come last, as there.
        keys = weights / rng.exponential(size=weights.shape)
        out = xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    out = out.astype(xp.int64)
    return Tensor._make(out.reshape(num_samples) if input.ndim == 1 else out)
