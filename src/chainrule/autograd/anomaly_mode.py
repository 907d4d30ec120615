"""``torch.autograd.anomaly_mode``: find the forward operation whose backward produced NaN.

    >>> torch.autograd.anomaly_mode.is_anomaly_enabled()
    False
"""
from ..engine.anomaly import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]
