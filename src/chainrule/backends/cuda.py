"""``torch.backends.cuda``: settings for CUDA matrix products and attention, kept for programs
that set them; there is no CUDA here.

>>> torch.backends.cuda.matmul.allow_tf32 = True
>>> torch.backends.cuda.matmul.allow_tf32, torch.backends.cuda.is_built()
(True, False)
>>> torch.backends.cuda.matmul.allow_tf32 = False
"""
from __future__ import annotations


class _MatmulSettings:
    """``torch.backends.cuda.matmul``: flags of CUDA matrix products, with PyTorch's defaults."""

    def __init__(self) -> None:
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True
        self.allow_fp16_accumulation = False

    def __repr__(self) -> str:
        return f"<torch.backends.cuda.matmul: allow_tf32={self.allow_tf32}>"


matmul = _MatmulSettings()
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def is_built() -> bool:
    """False: chainrule has no CUDA.

    >>> torch.backends.cuda.is_built()
    False
    """
    return False


def _sdp_flag(kind: str, what: str):
    """The pair ``<kind>_sdp_enabled()`` / ``enable_<kind>_sdp(enabled)`` of one attention
    kernel's flag (PyTorch's default: every kernel allowed)."""
    def enabled() -> bool:
        return _sdp[kind]

    def enable(enabled: bool) -> None:
        _sdp[kind] = bool(enabled)

    enabled.__name__ = enabled.__qualname__ = f"{kind}_sdp_enabled"
    enable.__name__ = enable.__qualname__ = f"enable_{kind}_sdp"
    enabled.__doc__ = (f"Whether {what} may be chosen (a flag only).\n\n"
                       f"    >>> import chainrule as torch\n"
                       f"    >>> torch.backends.cuda.{kind}_sdp_enabled()\n    True\n")
    enable.__doc__ = (f"Set the flag ``{kind}_sdp_enabled`` reads.\n\n"
                      f"    >>> import chainrule as torch\n"
                      f"    >>> torch.backends.cuda.enable_{kind}_sdp(True)\n")
    return enabled, enable


flash_sdp_enabled, enable_flash_sdp = _sdp_flag("flash", "the flash attention kernel")
mem_efficient_sdp_enabled, enable_mem_efficient_sdp = _sdp_flag(
    "mem_efficient", "the memory-efficient attention kernel")
math_sdp_enabled, enable_math_sdp = _sdp_flag("math", "the plain attention computation")
cudnn_sdp_enabled, enable_cudnn_sdp = _sdp_flag("cudnn", "cuDNN's attention kernel")
