"""A layer, optimizer or learning-rate scheduler made with arguments its constructor does
not take raises PyTorch's TypeError,
word for word: the same class named (the layer's own, or the family base PyTorch's layers
inherit ``__init__`` from, e.g. ``_Loss.__init__()``), the same counts, the same order of
checks (an unknown keyword before too many positional arguments)."""
import inspect
import warnings

import pytest

import chainrule
from helpers import torch_or_skip

LAYERS = sorted(name for name in dir(chainrule.nn)
                if inspect.isclass(getattr(chainrule.nn, name))
                and issubclass(getattr(chainrule.nn, name), chainrule.nn.Module))

CALLS = [
    ((), {}),                                  # missing required arguments, if any
    (tuple(range(1, 12)), {}),                 # too many positional arguments
    ((), {"no_such_option": 1}),               # an unknown keyword
    ((2,), {"no_such_option": 1}),             # an unknown keyword and a positional
]


def _type_error(cls, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated layers (NLLLoss2d) warn when made
        try:
            cls(*args, **kwargs)
        except TypeError as error:
            return str(error)
        except Exception as error:  # noqa: BLE001  (another error: compared by kind only)
            return type(error).__name__
    return None


def _compare(module: str, name: str, calls, first=lambda torch: ()) -> None:
    """``module.name`` (``"nn"`` or ``"optim"``) called each way of ``calls`` raises the
    TypeError PyTorch's does (``first(torch)``: the arguments every call starts with)."""
    torch = torch_or_skip()
    theirs = getattr(getattr(torch, module), name, None)
    if theirs is None:
        pytest.skip(f"torch.{module} has no {name}")
    ours = getattr(getattr(chainrule, module), name)
    for args, kwargs in calls:
        expected = _type_error(theirs, first(torch) + args, kwargs)
        if expected is None or " " not in expected:
            continue  # PyTorch takes the call or raises something else: not this test's matter
        assert _type_error(ours, first(chainrule) + args, kwargs) == expected, (name, args)


@pytest.mark.parametrize("name", LAYERS)
def test_constructor_type_errors_match_pytorch(name):
    _compare("nn", name, CALLS)


def test_a_user_subclass_keeps_the_layer_name_pytorch_gives():
    class Mine(chainrule.nn.ReLU):
        pass
    with pytest.raises(TypeError, match=r"^ReLU\.__init__\(\) takes from 1 to 2 positional"):
        Mine(1, 2)
    assert chainrule.nn.ReLU.__init__.__qualname__ == "ReLU.__init__"
    assert chainrule.nn.L1Loss.__init__.__qualname__ == "_Loss.__init__"


OPTIMIZERS = sorted(name for name in dir(chainrule.optim)
                    if inspect.isclass(getattr(chainrule.optim, name))
                    and issubclass(getattr(chainrule.optim, name), chainrule.optim.Optimizer))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_type_errors_match_pytorch(name):
    _compare("optim", name, CALLS[1:], first=lambda torch: ([torch.zeros(2, requires_grad=True)],))
