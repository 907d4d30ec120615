"""``chainrule.optim``: optimisers and learning-rate schedules, as in ``torch.optim``.

>>> w = torch.nn.Parameter(torch.tensor([3.0]))
>>> opt = torch.optim.SGD([w], lr=0.25)
>>> for _ in range(2):
...     opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
>>> w
Parameter containing:
tensor([0.7500], requires_grad=True)
"""
from . import lr_scheduler
from .algorithms import SGD, Adagrad, Adam, AdamW, RMSprop
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .update_rules import ASGD, Adadelta, Adamax, NAdam, RAdam, Rprop

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam",
           "Adamax", "Adadelta", "Rprop", "ASGD", "LBFGS", "lr_scheduler"]
