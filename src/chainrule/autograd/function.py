"""``torch.autograd.function``: user-defined operations with their own backward (and jvp).

    >>> class Exp(torch.autograd.Function):  # saves its output: d/dx exp(x) = exp(x)
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         result = x.exp()
    ...         ctx.save_for_backward(result)
    ...         return result
    ...     @staticmethod
    ...     @torch.autograd.function.once_differentiable
    ...     def backward(ctx, grad):
    ...         (result,) = ctx.saved_tensors
    ...         return grad * result
    >>> x = torch.tensor(0.0, requires_grad=True)
    >>> Exp.apply(x).backward(); x.grad
    tensor(1.)
"""
from ..engine.function import (
    BackwardCFunction,
    Function,
    FunctionCtx,
    InplaceFunction,
    NestedIOFunction,
    once_differentiable,
)

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable",
           "InplaceFunction", "NestedIOFunction"]
