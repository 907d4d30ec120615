"""A pickle reader that runs nothing from the file: PyTorch's ``weights_only=True`` rules.

Python's ``pickle`` executes the file: a pickle names any function by module
and name and calls it.  This reader interprets the pickle opcodes itself and
admits only the names a checkpoint needs (the tensor rebuild functions, storage
types, dtypes, ``OrderedDict`` and plain containers, see ``rebuild``); any
other name raises ``pickle.UnpicklingError`` naming it, before anything is
called.  It never recurses, memo entries live in a dict (a file cannot make it
allocate by naming a large memo index), every length is checked against the
bytes actually there, and any malformed input raises ``UnpicklingError``
saying where.

    >>> import pickle, collections
    >>> from chainrule.serialization.unpickler import load_pickle
    >>> state = load_pickle(pickle.dumps(collections.OrderedDict(a=[1, 2.5, "x"]), protocol=2))
    >>> type(state).__name__, state["a"]
    ('OrderedDict', [1, 2.5, 'x'])
    >>> load_pickle(pickle.dumps(print, protocol=2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    _pickle.UnpicklingError: Weights only load failed: the file names builtins.print, ...
"""
from __future__ import annotations

import collections
import pickle
import struct

import chainrule

from . import rebuild

OPT_IN = ("If you trust the file, load it with weights_only=False (that runs code from the "
          "file).")


def _allowed_globals() -> dict:
    """"module.name" -> the object a GLOBAL of that name pushes."""
    table = dict(rebuild.REBUILD_FUNCTIONS)
    table.update(rebuild.CONSTRUCTORS)
    table["torch._tensor._rebuild_from_type_v2"] = rebuild.rebuild_from_type_v2
    table["torch.Tensor"] = chainrule.Tensor
    for name, storage_type in rebuild.STORAGE_TYPES.items():
        table[f"torch.{name}"] = storage_type
    table["torch.storage.UntypedStorage"] = rebuild.UNTYPED_STORAGE
    for name in rebuild.DTYPE_NAMES:
        table[f"torch.{name}"] = getattr(chainrule, name)
    return table


_ALLOWED = None
_PARAMETER_NAMES = ("torch.nn.parameter.Parameter",)
_NOT_IN_CHAINRULE = {  # admitted by PyTorch, but what they rebuild chainrule does not have
    "torch._utils._rebuild_sparse_tensor": "sparse tensors",
    "torch._utils._rebuild_qtensor": "quantized tensors",
    "torch._utils._rebuild_nested_tensor": "nested tensors",
    "torch._utils._rebuild_meta_tensor_no_storage": "tensors on the meta device",
    "torch._utils._rebuild_wrapper_subclass": "tensor subclasses",
    "torch._utils._rebuild_device_tensor_from_numpy": "tensors on other devices",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": "tensors on other devices",
    "torch.bfloat16": "bfloat16", "torch.complex64": "complex64",
    "torch.complex128": "complex128", "torch.uint16": "uint16", "torch.uint32": "uint32",
    "torch.uint64": "uint64",
}


def _lookup(module: str, name: str):
    global _ALLOWED
    if _ALLOWED is None:
        _ALLOWED = _allowed_globals()
    module = rebuild.OLD_MODULES.get(module, module)
    full = f"{module}.{name}"
    if full in _ALLOWED:
        return _ALLOWED[full]
    if full in _PARAMETER_NAMES:
        from chainrule import nn
        return nn.Parameter
    if full in _NOT_IN_CHAINRULE:
        raise pickle.UnpicklingError(
            f"the file holds {_NOT_IN_CHAINRULE[full]} (it names {full}), which chainrule does "
            "not have. Fix: convert them in PyTorch before saving (for a dtype, with "
            ".float() or .long()).")
    if full.endswith("Storage") and name in rebuild.STORAGE_DTYPES:
        raise pickle.UnpicklingError(f"the file holds a {name} chainrule cannot read")
    raise pickle.UnpicklingError(
        f"Weights only load failed: the file names {full}, which weights_only=True does not "
        f"allow (only tensors, storages, dtypes, OrderedDict and plain containers). {OPT_IN}")


class _Reader:
    """The bytes of a pickle with a position; a short read raises UnpicklingError."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.pos = 0

    def read(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise pickle.UnpicklingError(
                f"the pickle is truncated: {n} bytes wanted at byte {self.pos} of "
                f"{len(self.data)}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def line(self) -> str:
        end = bytes(self.data[self.pos:self.pos + 512]).find(b"\n")
        if end < 0:
            raise pickle.UnpicklingError(f"a GLOBAL name at byte {self.pos} is not ended by a "
                                         "newline within 512 bytes")
        text = bytes(self.read(end + 1)[:-1])
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            raise pickle.UnpicklingError(f"a GLOBAL name is not text: {text[:40]!r}") from None


def load_pickle(data: bytes, persistent_load=None):
    """The object a protocol-2 pickle describes, built from admitted names only.

    ``persistent_load(pid)`` resolves ``BINPERSID`` (the storages of a checkpoint).
    """
    reader = _Reader(data)
    try:
        result = _interpret(reader, persistent_load)
        check_nesting(result)
        return result
    except pickle.UnpicklingError:
        raise
    except (IndexError, KeyError, TypeError, ValueError, AttributeError, struct.error,
            RecursionError, OverflowError) as e:
        raise pickle.UnpicklingError(
            f"the pickle is malformed near byte {reader.pos}: {type(e).__name__}: "
            f"{str(e)[:200]}") from None


def _interpret(reader: _Reader, persistent_load):
    # One loop over the opcodes, the commonest in a checkpoint's pickle tested first (the
    # memo, strings, small ints, tuples, calls), each compared as an int.
    data = reader.data
    read = reader.read
    stack: list = []
    metastack: list = []
    memo: dict = {}

    def pop_mark() -> list:
        nonlocal stack
        if not metastack:
            raise pickle.UnpicklingError("the pickle closes a MARK it never opened")
        items = stack
        stack = metastack.pop()
        return items

    while True:
        if reader.pos >= len(data):
            raise pickle.UnpicklingError(f"the pickle is truncated: it ends at byte "
                                         f"{reader.pos} without STOP")
        op = data[reader.pos]
        reader.pos += 1
        # --- the memo (in a dict: an index is a key, not an allocation)
        if op == _BINPUT:
            memo[read(1)[0]] = stack[-1]
        elif op == _BINGET or op == _LONG_BINGET:
            index = read(1)[0] if op == _BINGET else struct.unpack("<I", read(4))[0]
            if index not in memo:
                raise pickle.UnpicklingError(f"the pickle refers to memo entry {index}, which "
                                             "it never stored")
            stack.append(memo[index])
        elif op == _LONG_BINPUT:
            memo[struct.unpack("<I", read(4))[0]] = stack[-1]
        elif op == _MEMOIZE:
            memo[len(memo)] = stack[-1]
        # --- numbers, strings, constants
        elif op == _BINUNICODE or op == _SHORT_BINUNICODE or op == _BINUNICODE8:
            fmt, width = _STRING_SIZES[op]
            n = struct.unpack(fmt, read(width))[0]
            stack.append(str(read(n), "utf-8", "surrogatepass"))
        elif op == _BININT1:
            stack.append(read(1)[0])
        elif op == _BININT:
            stack.append(struct.unpack("<i", read(4))[0])
        elif op == _BININT2:
            stack.append(struct.unpack("<H", read(2))[0])
        elif op == _NEWFALSE:
            stack.append(False)
        elif op == _NEWTRUE:
            stack.append(True)
        elif op == _NONE:
            stack.append(None)
        elif op == _BINFLOAT:
            stack.append(struct.unpack(">d", read(8))[0])
        elif op == _LONG1:
            stack.append(int.from_bytes(read(read(1)[0]), "little", signed=True))
        elif op == _LONG4:
            n = struct.unpack("<i", read(4))[0]
            stack.append(int.from_bytes(read(n), "little", signed=True))
        elif op in _BYTES_SIZES:  # Python 2 str (bytes, as PyTorch keeps it) and bytes
            fmt, width = _BYTES_SIZES[op]
            stack.append(bytes(read(struct.unpack(fmt, read(width))[0])))
        # --- containers
        elif op == _MARK:
            metastack.append(stack)
            stack = []
        elif op == _TUPLE:
            items = pop_mark()
            stack.append(tuple(items))
        elif op == _TUPLE1:
            stack[-1] = (stack[-1],)
        elif op == _TUPLE2:
            stack[-2:] = [(stack[-2], stack[-1])]
        elif op == _TUPLE3:
            stack[-3:] = [(stack[-3], stack[-2], stack[-1])]
        elif op == _EMPTY_TUPLE:
            stack.append(())
        elif op == _EMPTY_DICT:
            stack.append({})
        elif op == _SETITEMS:
            items = pop_mark()
            _pairs_into(_target(stack, dict, "SETITEMS"), items)
        elif op == _SETITEM:
            value, key = stack.pop(), stack.pop()
            _target(stack, dict, "SETITEM")[rebuild.check_key(key)] = value
        elif op == _EMPTY_LIST:
            stack.append([])
        elif op == _APPENDS:
            items = pop_mark()
            _target(stack, list, "APPENDS").extend(items)
        elif op == _APPEND:
            item = stack.pop()
            _target(stack, list, "APPEND").append(item)
        elif op == _LIST:
            stack.append(pop_mark())
        elif op == _DICT:
            items = pop_mark()
            stack.append(_pairs_into({}, items))
        elif op == _EMPTY_SET:
            stack.append(set())
        elif op == _ADDITEMS:
            items = pop_mark()
            _target(stack, set, "ADDITEMS").update(rebuild.check_key(i) for i in items)
        elif op == _FROZENSET:
            items = pop_mark()
            stack.append(frozenset(rebuild.check_key(i) for i in items))
        elif op == _POP:
            stack.pop()
        elif op == _POP_MARK:
            pop_mark()
        elif op == _DUP:
            stack.append(stack[-1])
        # --- names and calls: only admitted names, only their checked constructors
        elif op == _REDUCE:
            args = stack.pop()
            func = stack[-1]
            if not isinstance(args, tuple):
                raise pickle.UnpicklingError("REDUCE arguments are not a tuple")
            stack[-1] = _call(func, args)
        elif op == _BINPERSID:
            pid = stack.pop()
            if persistent_load is None:
                raise pickle.UnpicklingError("the pickle refers to a storage outside it")
            stack.append(persistent_load(pid))
        elif op == _GLOBAL:
            module = reader.line()
            stack.append(_lookup(module, reader.line()))
        elif op == _STACK_GLOBAL:
            name, module = stack.pop(), stack.pop()
            if not isinstance(module, str) or not isinstance(name, str):
                raise pickle.UnpicklingError("STACK_GLOBAL of non-strings")
            stack.append(_lookup(module, name))
        elif op == _NEWOBJ:
            args = stack.pop()
            cls = stack[-1]
            stack[-1] = _new(cls, args)
        elif op == _BUILD:
            state = stack.pop()
            _build(stack[-1], state)
        # --- first and last
        elif op == _PROTO:
            if read(1)[0] > 5:
                raise pickle.UnpicklingError("unknown pickle protocol")
        elif op == _FRAME:
            read(8)  # the frame's length: this reader has all the bytes already
        elif op == _STOP:
            if not stack:
                raise pickle.UnpicklingError("the pickle stops with nothing on its stack")
            return stack.pop()
        else:
            raise pickle.UnpicklingError(
                f"the pickle uses opcode {bytes([op])!r} at byte {reader.pos - 1}, which a "
                "checkpoint does not need (weights_only loading reads protocol-2 pickles of "
                f"tensors and containers). {OPT_IN}")


# The opcodes read, as ints (_BINPUT is ord(pickle.BINPUT), ...).
(_PROTO, _FRAME, _STOP, _GLOBAL, _STACK_GLOBAL, _REDUCE, _NEWOBJ, _BUILD, _BINPERSID, _MARK,
 _POP_MARK, _EMPTY_TUPLE, _TUPLE, _TUPLE1, _TUPLE2, _TUPLE3, _EMPTY_LIST, _LIST, _APPEND,
 _APPENDS, _EMPTY_DICT, _DICT, _SETITEM, _SETITEMS, _EMPTY_SET, _ADDITEMS, _FROZENSET, _POP,
 _DUP, _BINPUT, _LONG_BINPUT, _MEMOIZE, _BINGET, _LONG_BINGET, _NONE, _NEWTRUE, _NEWFALSE,
 _BININT, _BININT1, _BININT2, _LONG1, _LONG4, _BINFLOAT, _BINUNICODE, _SHORT_BINUNICODE,
 _BINUNICODE8) = (ord(getattr(pickle, name)) for name in (
    "PROTO", "FRAME", "STOP", "GLOBAL", "STACK_GLOBAL", "REDUCE", "NEWOBJ", "BUILD",
    "BINPERSID", "MARK", "POP_MARK", "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
    "EMPTY_LIST", "LIST", "APPEND", "APPENDS", "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS",
    "EMPTY_SET", "ADDITEMS", "FROZENSET", "POP", "DUP", "BINPUT", "LONG_BINPUT", "MEMOIZE",
    "BINGET", "LONG_BINGET", "NONE", "NEWTRUE", "NEWFALSE", "BININT", "BININT1", "BININT2",
    "LONG1", "LONG4", "BINFLOAT", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"))
_STRING_SIZES = {_BINUNICODE: ("<I", 4), _SHORT_BINUNICODE: ("<B", 1), _BINUNICODE8: ("<Q", 8)}
_BYTES_SIZES = {ord(pickle.SHORT_BINSTRING): ("<B", 1), ord(pickle.BINSTRING): ("<i", 4),
                ord(pickle.SHORT_BINBYTES): ("<B", 1), ord(pickle.BINBYTES): ("<I", 4),
                ord(pickle.BINBYTES8): ("<Q", 8)}


MAX_NESTING = 1000  # Python's own recursion limit: deeper objects cannot even be printed


def check_nesting(obj) -> None:
    """Refuse an object that contains itself or nests deeper than ``MAX_NESTING``.

    A checkpoint is a tree of containers (the same tensor or list may appear twice); a pickle
    can also build a list that contains itself, or lists a million levels deep, which
    anything that walks the result (printing, load_state_dict) would follow without end or
    beyond the recursion limit.  Walked without recursion, each container once, and no
    deeper than the limit.
    """
    height: dict = {}  # id -> levels of containers from this one down, once walked
    on_path: set = set()
    keep = []  # the containers walked: their ids stay theirs until the walk ends
    todo = [(obj, 1, False)]
    while todo:
        node, depth, leaving = todo.pop()
        key = id(node)
        if leaving:
            on_path.discard(key)
            height[key] = 1 + max((height.get(id(c), 0) for c in _children(node)), default=0)
            continue
        if key in on_path:
            raise pickle.UnpicklingError(f"the object contains itself (a {type(node).__name__} "
                                         "inside itself): a checkpoint is a tree")
        if depth + height.get(key, 1) - 1 > MAX_NESTING:
            raise pickle.UnpicklingError(f"the object nests more than {MAX_NESTING} "
                                         "containers deep")
        if key in height:
            continue
        on_path.add(key)
        keep.append(node)
        todo.append((node, depth, True))
        todo.extend((c, depth + 1, False) for c in _children(node)
                    if isinstance(c, _CONTAINERS))


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _children(node):
    if isinstance(node, dict):
        yield from node.values()
        yield from vars(node).values() if type(node) is not dict else ()
    elif isinstance(node, _CONTAINERS):
        yield from node




def _target(stack: list, kind: type, op: str):
    target = stack[-1]
    if type(target) not in ((kind, collections.OrderedDict, collections.Counter)
                            if kind is dict else (kind,)):
        raise pickle.UnpicklingError(f"{op} into a {type(target).__name__}")
    return target


def _pairs_into(target: dict, items: list) -> dict:
    if len(items) % 2:
        raise pickle.UnpicklingError("a dict's items come in an odd number")
    for i in range(0, len(items), 2):
        target[rebuild.check_key(items[i])] = items[i + 1]
    return target


def _known(func) -> bool:
    try:
        return func in _CALLS
    except TypeError:  # unhashable: no function of ours
        return False


def _call(func, args: tuple):
    if _known(func):
        return func(*args)
    from chainrule import nn
    if func is nn.Parameter:
        return _parameter(*args)
    raise pickle.UnpicklingError(f"the pickle calls {rebuild._describe(func)}, which is not a "
                                 f"function weights_only loading runs. {OPT_IN}")


def _parameter(data=None, requires_grad=True):
    return rebuild.rebuild_parameter(data, requires_grad, None)


def _new(cls, args):
    if not isinstance(args, tuple):
        raise pickle.UnpicklingError("NEWOBJ arguments are not a tuple")
    if getattr(cls, "cls", None) in (collections.OrderedDict, collections.Counter) and \
            _known(cls) and not args:
        return cls()
    from chainrule import nn
    if cls is nn.Parameter:
        return _parameter(*args)
    raise pickle.UnpicklingError(f"the pickle creates a {rebuild._describe(cls)}, which "
                                 f"weights_only loading does not. {OPT_IN}")


def _build(inst, state) -> None:
    # An OrderedDict's attributes (a state dict's _metadata) are the only state admitted.
    if type(inst) is collections.OrderedDict and isinstance(state, dict) and all(
            isinstance(k, str) and not k.startswith("__") for k in state):
        inst.__dict__.update(state)
        return
    raise pickle.UnpicklingError(f"the pickle sets the state of a {type(inst).__name__}, which "
                                 f"weights_only loading does not. {OPT_IN}")


_CALLS = set(rebuild.REBUILD_FUNCTIONS.values()) | set(rebuild.CONSTRUCTORS.values()) | {
    rebuild.rebuild_from_type_v2}
