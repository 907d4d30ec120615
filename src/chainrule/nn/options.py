"""``OptionsModule``: a layer whose options are its constructor's arguments, kept as
attributes and shown by its ``repr`` as ``name=value``, as PyTorch's layers show them;
``FunctionalModule``: one whose forward is its ``nn.functional`` function called with
those options; ``changed_options``: the part of an ``extra_repr`` that shows only the options
not at their defaults."""
from __future__ import annotations

import inspect

from .module import Module, original_init


class OptionsModule(Module):
    """Keeps the keyword ``options`` as attributes; ``extra_repr`` shows those named in
    ``_shown`` (all of them, in the order given, where ``_shown`` is None).

    >>> class Scale(OptionsModule):
    ...     def __init__(self, factor=2.0):
    ...         super().__init__(factor=factor)
    ...     def forward(self, x):
    ...         return x * self.factor
    >>> Scale()
    Scale(factor=2.0)
    """

    _shown: tuple | None = None

    def __init__(self, **options) -> None:
        super().__init__()
        for name, value in options.items():
            setattr(self, name, value)
        if self._shown is None:
            self._shown = tuple(options)

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in self._shown)


def function_options(function) -> list:
    """The options of a layer that is ``function`` with its options fixed: the function's
    parameters after ``input`` (``inspect.Parameter`` objects, defaults included)."""
    return list(inspect.signature(function).parameters.values())[1:]


def bound_options(cls: type, signature: inspect.Signature, args: tuple, options: dict) -> dict:
    """The options that ``args`` and ``options`` give by ``signature``, defaults filled in; a
    call that does not fit raises the ``TypeError`` Python raises for a ``cls.__init__``
    with that signature, as PyTorch's layers (written out) do.

    >>> torch.nn.Threshold(0.5)
    Traceback (most recent call last):
    ...
    TypeError: Threshold.__init__() missing 1 required positional argument: 'value'
    """
    try:
        bound = signature.bind(*args, **options)
    except TypeError:
        raise TypeError(f"{cls.__init__.__qualname__}() {_misfit(signature, args, options)}") \
            from None
    bound.apply_defaults()
    return dict(bound.arguments)


def _misfit(signature: inspect.Signature, args: tuple, options: dict) -> str:
    """What Python says of a call of a method with ``signature`` that does not fit it (its
    counts include ``self``), checked in Python's order."""
    parameters = list(signature.parameters.values())
    positional = [p for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    for name in options:  # Python looks at the keywords before it counts the positionals
        if name not in signature.parameters:
            return f"got an unexpected keyword argument '{name}'"
        if name in [p.name for p in positional[:len(args)]]:
            return f"got multiple values for argument '{name}'"
    if len(args) > len(positional):
        least, most = 1 + sum(p.default is p.empty for p in positional), 1 + len(positional)
        takes = f"from {least} to {most}" if least != most else f"{most}"
        return (f"takes {takes} positional argument{'s' * (most != 1)} but {len(args) + 1} "
                "were given")
    for kind, what in ((inspect.Parameter.POSITIONAL_OR_KEYWORD, "positional"),
                       (inspect.Parameter.KEYWORD_ONLY, "keyword-only")):
        missing = [f"'{p.name}'" for p in parameters[len(args):] if p.kind is kind
                   and p.default is p.empty and p.name not in options]
        if missing:
            names = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1
                                 else missing)
            return (f"missing {len(missing)} required {what} argument"
                    f"{'s' * (len(missing) != 1)}: {names}")
    return "got arguments that do not fit its signature"


class FunctionalModule(OptionsModule):
    """An ``OptionsModule`` whose ``forward`` is ``_function(input, *options)``, the options
    named in ``_arguments`` in that order.  A layer that defines no ``__init__`` takes its
    function's options (``function_options``: same names, order and defaults), positionally
    or by name.

    >>> class Halve(FunctionalModule):
    ...     _function = staticmethod(torch.div)
    ...     _arguments = ("divisor",)
    ...     def __init__(self):
    ...         super().__init__(divisor=2)
    >>> Halve()(torch.tensor([3.]))
    tensor([1.5000])
    >>> class Shuffle(FunctionalModule):
    ...     _function = staticmethod(torch.nn.functional.pixel_shuffle)
    >>> Shuffle(2), inspect.signature(Shuffle)
    (Shuffle(upscale_factor=2), <Signature (upscale_factor: 'int') -> 'None'>)
    """

    _function = None  # set by each layer, as a staticmethod
    _arguments: tuple = ()
    _signature: inspect.Signature | None = None  # the options, where __init__ is this one

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if original_init(cls) is FunctionalModule.__init__ and cls._function is not None:
            parameters = function_options(cls._function)
            cls._signature = cls.__signature__ = inspect.Signature(parameters,
                                                                   return_annotation="None")
            cls._arguments = tuple(parameter.name for parameter in parameters)
        else:
            cls._signature = cls.__signature__ = None  # inspect reads the class's own __init__

    def __init__(self, *args, **options) -> None:
        if self._signature is not None:
            options = bound_options(type(self), self._signature, args, options)
        super().__init__(**options)

    def forward(self, input):
        return self._function(input, *[getattr(self, name) for name in self._arguments])


def changed_options(module: Module, **defaults) -> str:
    """``", name=value"`` for each option of ``module`` (in the order given) whose value is not
    its default, as PyTorch's ``extra_repr`` methods show them: a ``True``, ``False`` or
    ``None`` default is compared by identity (so ``bias=1`` is shown), others by ``!=``.

    >>> changed_options(torch.nn.RNN(2, 3, num_layers=2), num_layers=1, bias=True)
    ', num_layers=2'
    """
    shown = []
    for name, default in defaults.items():
        value = getattr(module, name)
        by_identity = default is None or isinstance(default, bool)
        if (value is not default) if by_identity else (value != default):
            shown.append(f", {name}={value}")
    return "".join(shown)
