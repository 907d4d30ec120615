"""``chainrule.nn``: layers, losses and the ``Module`` that holds them, as in ``torch.nn``.

>>> import chainrule as torch
>>> model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
>>> model(torch.zeros(1, 2)).shape
torch.Size([1, 2])
"""
from . import functional, init
from .layers import (
    GELU,
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Bilinear,
    Conv1d,
    Conv2d,
    Dropout,
    Embedding,
    Flatten,
    Identity,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    MaxPool2d,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    Unflatten,
)
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, ModuleDict, ModuleList, ParameterList, Sequential
from .parameter import Parameter

__all__ = [
    "functional", "init", "Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "Parameter", "Identity", "Linear", "Bilinear", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d", "ReLU", "LeakyReLU", "GELU", "Sigmoid", "Tanh", "Softplus", "Softmax",
    "LogSoftmax", "Dropout", "Flatten", "Unflatten", "Embedding", "LayerNorm", "BatchNorm1d",
    "BatchNorm2d", "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss",
    "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
]
