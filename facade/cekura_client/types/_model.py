"""The machinery of the models: a field is declared once, everything else derives from it.

A model is a frozen ``msgspec.Struct`` (``gc=False``). Each field is one class annotation,
``name: Alias = optional("description", key="json_key")``, whose alias (``_fields.py``) is
``Annotated[public type, Kind(...)]``: strictness (docs/guides/field-strictness.md), error phrase,
slow-path ``coerce``, ``normalise`` (wire value -> attribute) and, where it differs from the
public type, the ``wire`` type msgspec decodes. Decoding, ``from_dict``, ``to_dict``, ``extra``,
``raw``, the error paths, ``help()`` and ``spec_dependencies()`` all read :func:`model_fields`.

Fast path: msgspec decodes the bytes straight into the Structs, in C. Slow path, only when it
refuses: :func:`canonical` walks the decoded JSON along the same declarations, coerces, drops
lenient misfits and raises ResponseValidationError with the exact path (msgspec's own paths do
not name dict keys). docs/maintainers/architecture.md lists every concept here and why it exists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import inspect
import math
import threading
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, TypeVar, Union

import msgspec
from typing_extensions import dataclass_transform

from .._exceptions import ResponseValidationError

M = TypeVar("M", bound="Model")

CORE = "core"
CHECKED = "checked"
LENIENT = "lenient"


class FieldPath:
    """A field path built only when printed: parsing a large result creates hundreds of
    thousands of paths, and needs their text only for the one that fails."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: PathLike, key: str | int) -> None:
        self.parent = parent
        self.key = key

    def __str__(self) -> str:
        path, key = str(self.parent), self.key
        if isinstance(key, int):
            return f"{path}[{key}]"
        if not (key.isascii() and key.isidentifier()):
            return f"{path}[{key!r}]"
        return f"{path}.{key}" if path else key


PathLike = str | FieldPath


def fail(path: PathLike, expected: str, value: Any) -> ResponseValidationError:
    return ResponseValidationError(path=str(path), expected=expected, value=value)


@dataclass(frozen=True)
class Kind:
    """A field's strictness and conversions (``Annotated`` metadata of its wire type)."""

    strictness: str = CHECKED
    expected: str | None = None  # the error phrase; None: derived from the wire type
    coerce: Callable[[Any, PathLike], Any] | None = None
    normalise: Callable[[Any, Any], Any] | None = None  # (model, wire value) -> attribute value
    feeds: str | None = None  # another attribute this key is read into (older specs' names)
    #: A format check run after decoding, once per distinct (hashable) value, instead of a
    #: ``Meta(pattern=...)`` the decoder would run per value; a failure takes the slow path.
    check: Callable[[Any], bool] | None = None
    deferred: Any = None  # set by Deferred[X]: the slot is a msgspec.Raw, read as this type
    wire: Any = None  # what msgspec decodes, where it differs from the public type
    view: bool = False  # View[X]: a lenient typed view, X built by view()


#: ``Annotated`` metadata of ``Deferred[X]`` (see :attr:`Kind.deferred`).
DEFERRED = "deferred"


@dataclass(frozen=True)
class FieldDecl:
    name: str
    key: str
    wire: Any  # the wire type without the Kind
    kind: Kind
    default: Any
    doc: str = ""  # one line for help(), from optional() / required()
    public: Any = None  # the type a type checker sees (what help() shows)
    shapes: tuple[tuple[str, Any], ...] = ()  # how the wire type holds models (model_shapes)


@dataclass(frozen=True)
class _Described:
    """What :func:`optional` and :func:`required` leave in a class body; the metaclass replaces
    it with the msgspec default (or none) before msgspec sees the class."""

    doc: str
    key: str | None
    required: bool


def optional(doc: str, *, key: str | None = None) -> Any:
    """A field that may be absent or null (its slot is then None), described by ``doc`` (one
    line, shown by ``help()``); ``key`` is its JSON key where it differs from the attribute."""
    return _Described(doc, key, required=False)


def required(doc: str, *, key: str | None = None) -> Any:
    """A field the JSON must have; see :func:`optional`. (Listed as a field specifier of
    :class:`Model`, so a type checker knows the constructor needs it.)"""
    return _Described(doc, key, required=True)


def _take_descriptions(namespace: dict[str, Any]) -> dict[str, str]:
    """Each field's description, replacing its :func:`optional` / :func:`required` in the class
    body with what msgspec reads (a default, a ``msgspec.field`` for another JSON key, or no
    default), so msgspec sees the declarations as before."""
    docs: dict[str, str] = {}
    for name, value in list(namespace.items()):
        if isinstance(value, _Described):
            docs[name] = value.doc
            if value.required and value.key is None:
                del namespace[name]
            elif value.required:
                namespace[name] = msgspec.field(name=value.key)
            elif value.key is not None:
                namespace[name] = msgspec.field(default=ABSENT, name=value.key)
            else:
                namespace[name] = ABSENT
    return docs


class RawRef:
    """Where a model's JSON as received lives: the response bytes (decoded on first use) or an
    already decoded tree. A nested model's ``_ref`` is a tuple ``(parent_ref, key, ...)``: no
    model refers to another, so no reference cycle is built (the Structs are ``gc=False``).
    Every RawRef compares equal, so models of the same JSON compare equal whatever their source.
    """

    __slots__ = ("_tree", "bytes")

    def __init__(self, *, data: bytes | None = None, tree: Any = None) -> None:
        self.bytes = data
        self._tree = tree

    def tree_is(self, tree: Any) -> None:
        """The source is this already decoded tree (``from_dict``)."""
        self._tree, self.bytes = tree, None

    def tree(self) -> Any:
        if self._tree is None and self.bytes is not None:
            try:
                self._tree = decode_any(self.bytes)
            except RecursionError:  # deeper than this call stack allows: the client's error
                raise decode_error(self.bytes, _TOO_DEEP) from None
            except ValueError:  # the decoder checked these bytes already; a safety net
                raise decode_error(self.bytes) from None
        return self._tree

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawRef) or other is None

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "RawRef()"


def resolve(ref: Any) -> Any:
    """The JSON a ``_ref`` points at (None when there is none)."""
    if isinstance(ref, RawRef):
        return ref.tree()
    if isinstance(ref, tuple) and ref:
        node = resolve(ref[0])
        try:
            for key in ref[1:]:
                node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
        return node
    return None


def deferred_value(value: Any, wire: Any) -> Any:
    """A deferred field's value: its ``msgspec.Raw`` decoded as ``wire`` (lax), or None when the
    JSON does not fit (the field is lenient). Values that are not Raw are returned as they are."""
    if type(value) is not msgspec.Raw:
        return value
    if wire is not Any:
        try:
            return decoder_for(wire).decode(value)
        except (ValueError, RecursionError):  # msgspec's errors are ValueErrors
            pass  # does not fit, or msgspec refuses what the stdlib reads (NaN, lone surrogates)
    try:
        tree = decode_any(value)
        return tree if wire is Any else _convert(tree, wire)
    except (ValueError, RecursionError):
        return None


def to_raw(value: Any) -> msgspec.Raw | None:
    """A decoded value as the ``msgspec.Raw`` a deferred slot holds, reading back as the same
    value; None when it cannot be written as JSON (a lenient field that does not fit)."""
    try:
        data: bytes | None = _encode(value)
    except (msgspec.EncodeError, TypeError, ValueError, OverflowError, RecursionError):
        data = None  # e.g. a lone surrogate (msgspec writes UTF-8), an object JSON cannot hold
    if data is None or b"null" in data:
        # msgspec writes NaN and Infinity as null: the stdlib writes them (and lone surrogates,
        # escaped) as json.loads read them. Only values with a null pay for the second look.
        import json  # noqa: PLC0415

        with contextlib.suppress(TypeError, ValueError, OverflowError, RecursionError):
            data = json.dumps(value, allow_nan=True).encode()
    return None if data is None else msgspec.Raw(data)


_encode = msgspec.json.encode
_TOO_DEEP = "a JSON document nested less deeply (decoder limit)"


def decode_any(data: str | bytes | msgspec.Raw) -> Any:
    """Plain JSON values, exactly as json.loads reads them, at C speed where msgspec agrees.

    The stdlib decoder takes what msgspec refuses (``NaN``, ``Infinity``, integers past 64 bits,
    lone surrogates in text, bytes in UTF-16 or with encoded surrogates), so ``raw`` is what
    json.loads would give whatever msgspec's version refuses. An integer past Python's
    4,300-digit limit becomes a float (``inf``): the field it is in then fails with its name, or,
    if lenient, keeps it, instead of the whole document failing. Raises ValueError otherwise.
    """
    try:
        return msgspec.json.decode(data)
    except ValueError:  # DecodeError; Unicode{En,De}codeError, depending on msgspec's version
        import json  # noqa: PLC0415

        return json.loads(data if isinstance(data, str) else bytes(data), parse_int=_int_or_float)


def _int_or_float(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= 4300 else float(text)


#: A field's default: absent or null on the wire. Typed Any so that an attribute whose normalised
#: type is not optional (a count is an ``int``, a list of runs a ``list``) accepts it.
ABSENT: Any = None

REF_KEY = "@@cekura_client.raw_ref"  # no API key looks like this: the slot of a RawRef


class _ModelMeta(msgspec.StructMeta):
    """Reads each new model's declarations once the Struct type exists."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any
    ) -> Any:
        docs = _take_descriptions(namespace)
        cls: Any = super().__new__(mcs, name, bases, namespace, **kw)
        if namespace.get("__module__") != __name__:
            decls = _declarations(cls, docs)
            cls.__fields__ = decls
            # What from_dict rewrites as msgspec.Raw: deferred fields, and those with models
            # holding some (all of these exist already: get_type_hints needed them).
            cls.__raw_fields__ = tuple(d for d in decls if d.kind.deferred is not None or d.shapes)
            # What help() shows: built here, once, from the declarations (see _help_text).
            cls._signature_ = _public_signature(cls, decls)
            cls.__doc__ = _help_text(namespace.get("__doc__"), decls)
            cls.__checks__ = tuple(
                (getattr(cls, "_w_" + d.name), d.kind.check) for d in decls if d.kind.check
            )
            readers = [(d, _reader(d)) for d in decls]
            cls.__normalisers__ = tuple(
                (getattr(cls, "_w_" + d.name), read) for d, read in readers if read is not None
            )
            if not cls.__eager__:
                for decl, read in readers:
                    if read is not None:
                        _install_property(cls, decl, read)
            if any(d.kind.deferred is not None for d in decls):
                # A Raw slot holds the bytes as received (whitespace included): compare and
                # hash what they decode to, so from_json and from_dict of one JSON are equal.
                cls.__eq__ = _equal_decoded
                cls.__hash__ = _hash_decoded
        return cls

    @property
    def __signature__(cls) -> inspect.Signature:
        """The constructor as ``help()`` and ``inspect.signature`` show it: the fields and their
        defaults (msgspec's own has ``_ref`` and the ``Annotated`` wire types)."""
        signature: inspect.Signature | None = cls.__dict__.get("_signature_")
        if signature is None:  # Model and EagerModel themselves
            signature = super().__signature__
        return signature

    def __dir__(cls) -> list[str]:
        """The public API only (methods, properties, ``raw``): what ``help()`` lists after the
        docstring. Fields are in the docstring's ``Attributes:``; the machinery (``__fields__``,
        the slots ``_w_*``, msgspec's ``__struct_*__``) stays out, as ``enum`` keeps its own."""
        fields = {decl.name for decl in getattr(cls, "__fields__", ())}
        names = {"__class__", "__doc__", "__module__"}
        for klass in cls.__mro__:
            if isinstance(klass, _ModelMeta):
                names.update(n for n in vars(klass) if not n.startswith("_") and n not in fields)
        return sorted(names)


@dataclass_transform(field_specifiers=(msgspec.field, required))
class Model(msgspec.Struct, metaclass=_ModelMeta, frozen=True, gc=False, kw_only=True):
    """Base of the facade's models. Subclasses declare fields; see the module docstring."""

    _ref: Any = msgspec.field(default=None, name=REF_KEY)
    __eager__: ClassVar[bool] = False
    __fields__: ClassVar[tuple[FieldDecl, ...]] = ()
    __raw_fields__: ClassVar[tuple[FieldDecl, ...]] = ()
    __checks__: ClassVar[tuple[tuple[Any, Callable[[Any], bool]], ...]] = ()
    __normalisers__: ClassVar[tuple[tuple[Any, Callable[[Any, Any], Any]], ...]] = ()

    @property
    def raw(self) -> Mapping[str, Any]:
        """This object's JSON exactly as received (decoded from the response on first use)."""
        tree = resolve(self._ref)
        return tree if isinstance(tree, dict) else {}

    @classmethod
    def from_dict(cls: type[M], data: Any, path: PathLike = "") -> M:
        """Build this model from decoded JSON (one value of the payload); raises
        ResponseValidationError naming the field, ``path`` prefixing the names."""
        if not isinstance(data, dict):
            raise fail(path, "an object", data)
        try:
            model: M = convert(data, cls, path)
        except RecursionError:  # the decoder's depth limit: an error, never a crash
            raise fail(path, "an object nested less deeply", data) from None
        _root(model).tree_is(data)
        return model

    @classmethod
    def from_json(cls: type[M], text: str | bytes) -> M:
        """Decode and build this model from JSON text (a response body, a stored response, a
        queue message), straight from bytes to the typed objects. Raises
        ResponseValidationError for text that is not a JSON object, or naming the field."""
        if isinstance(text, str):
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                # A lone surrogate: text may hold one (json.dumps with ensure_ascii=False writes
                # what json.loads read from a \ud800 escape). Read as json.loads reads it.
                return _from_tree(cls, text, text)
        else:  # a bytearray or memoryview is copied: the deferred fields are slices of it
            data = text if type(text) is bytes else bytes(text)
            # msgspec checks UTF-8 in what it decodes, not in the deferred fields it skips:
            # anything else (UTF-16, encoded surrogates, invalid bytes) takes the slow path.
            if not data.isascii() and not _is_utf8(data):
                return _from_tree(cls, data, text)
        try:
            model: M = decoder_for(cls).decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, ValueError):
            return _from_tree(cls, data, text)  # the slow path: the exact error, or leniency
        _root(model).bytes = data  # `raw` is decoded from these on first use
        return model

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{d.name}={getattr(self, d.name)!r}" for d in type(self).__fields__ if _in_repr(d)
        )
        return f"{type(self).__name__}({shown})"

    def _attach(self, ref: Any) -> None:
        msgspec.structs.force_setattr(self, "_ref", ref)


def _root(model: Model) -> RawRef:
    """The RawRef of a model decoded on its own, attached now if normalising did not already
    (``Result`` attaches one while sorting its runs); nested eager models learn where their
    JSON is inside it, so that ``raw`` and ``extra`` work at every level."""
    ref = model._ref
    if not isinstance(ref, RawRef):
        ref = RawRef()
        model._attach(ref)
    _adopt(model, (ref,))
    return ref


def _adopt(model: Model, where: tuple[Any, ...]) -> None:
    """Give each nested eager model without a ``_ref`` its place in the parent's JSON. Lazy
    models (runs, metrics, turns) attach their children on first use instead."""
    if not type(model).__eager__:
        return
    for decl in type(model).__fields__:
        value: Any = getattr(model, decl.name, None)
        single = isinstance(value, Model)
        if not (single or (isinstance(value, list) and value and isinstance(value[0], Model))):
            continue
        for index, child in enumerate([value] if single else value):
            if child._ref is None:
                place = (*where, decl.key) if single else (*where, decl.key, index)
                child._attach(place)
                _adopt(child, place)


_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}
_DECODERS_LOCK = threading.Lock()


def decoder_for(tp: Any) -> msgspec.json.Decoder[Any]:
    """The lax decoder of ``tp``, built once. Every type msgspec decodes or converts to is made
    ready here first: msgspec builds a struct's decoding plan on first use and, in 0.22,
    publishes it to other threads before it is complete, so two threads meeting a model for the
    first time (``get_many`` decodes in a pool) could crash the interpreter. Once built under
    this lock, the plans are only read."""
    decoder = _DECODERS.get(tp)
    if decoder is None:
        with _DECODERS_LOCK:
            decoder = _DECODERS.get(tp)
            if decoder is None:
                decoder = _DECODERS[tp] = msgspec.json.Decoder(tp, strict=False)
    return decoder


def _convert(value: Any, target: Any) -> Any:
    """``msgspec.convert`` (lax) once ``target``'s plan is ready (see :func:`decoder_for`)."""
    decoder_for(target)
    return msgspec.convert(value, target, strict=False)


def _from_tree(cls: type[M], data: str | bytes, text: str | bytes) -> M:
    try:
        tree = decode_any(data)
    except RecursionError:
        raise decode_error(text, _TOO_DEEP) from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, integers past 4,300 digits
        raise decode_error(text) from None
    return cls.from_dict(tree)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class EagerModel(Model, frozen=True, gc=False, kw_only=True):
    """A model normalised once, right after decoding (the result and its small summaries),
    instead of on each attribute access. Only these models have a ``__post_init__``: msgspec
    calls it for every instance, which the thousands of runs, metrics and turns do not pay."""

    __eager__ = True

    def __post_init__(self) -> None:
        check_all([self])
        for member, normalise in type(self).__normalisers__:
            member.__set__(self, normalise(self, member.__get__(self)))


def check_all(models: Any) -> None:
    """Run :attr:`Kind.check` of models of one class (the runs of a result) on each distinct
    value once. A ValueError (in ``__post_init__``, msgspec's ValidationError) means: the slow
    path, which names the field."""
    models = list(models)
    for member, check in type(models[0]).__checks__ if models else ():
        if not all(map(check, {member.__get__(model) for model in models})):
            raise ValueError(f"{type(models[0]).__name__}: a format check failed")


def _in_repr(decl: FieldDecl) -> bool:
    """Scalars that are not lenient (the old attrs ``repr=False`` fields stay out)."""
    return (
        decl.kind.strictness != LENIENT
        and decl.kind.feeds is None
        and not any(_is_container(option) for option in _union_members(_strip(decl.wire)[0]))
    )


def _reader(decl: FieldDecl) -> Callable[[Any, Any], Any] | None:
    """``(model, slot value) -> attribute value`` for a field that is not read as stored: the
    normalisation, after decoding a deferred field's Raw; None for a field read as stored."""
    normalise, wire = decl.kind.normalise, decl.wire
    if decl.kind.deferred is None:
        return normalise
    if normalise is None:
        return lambda model, value: deferred_value(value, wire)
    return lambda model, value: normalise(model, deferred_value(value, wire))


def _compared(model: Any) -> tuple[Any, ...]:
    return tuple(
        deferred_value(getattr(model, "_w_" + d.name), d.wire)
        if d.kind.deferred is not None
        else getattr(model, "_w_" + d.name)
        for d in type(model).__fields__
    )


def _equal_decoded(self: Any, other: Any) -> Any:
    if type(other) is not type(self):
        return NotImplemented
    return _compared(self) == _compared(other)


def _hash_decoded(self: Any) -> int:
    return hash((type(self).__name__, _compared(self)))


def _install_property(cls: type, decl: FieldDecl, reader: Callable[[Any, Any], Any]) -> None:
    member = cls.__dict__[decl.name]
    get = member.__get__

    def read(self: Any) -> Any:
        return reader(self, get(self))

    read.__name__ = decl.name
    read.__doc__ = decl.doc or f"``{decl.key}``, normalised."
    setattr(cls, decl.name, property(read))


def _declarations(cls: type, docs: Mapping[str, str]) -> tuple[FieldDecl, ...]:
    """Each field from its annotation ``Annotated[public, Kind(...)]``; the class's annotation
    becomes the wire type, which msgspec reads when it first decodes the class."""
    hints = typing.get_type_hints(cls, include_extras=True)
    decls = []
    for info in msgspec.structs.fields(cls):
        if info.name == "_ref":
            continue
        public, kind = split_kind(hints[info.name])
        public, marks = _strip(public)
        wire = wire_type(public if kind.wire is None else kind.wire)
        if not info.required and wire is not Any:
            wire = wire | None
        slot = _annotate(wire, [kind])
        if DEFERRED in marks:  # the slot holds msgspec.Raw; the field's type is the wire type
            kind = dataclasses.replace(kind, deferred=wire)
            slot = msgspec.Raw
        if kind.view:
            kind = dataclasses.replace(kind, normalise=_view_reader(public))
        cls.__annotations__[info.name] = slot
        default = info.default
        if info.default_factory is not msgspec.NODEFAULT:
            default = info.default_factory()
        shapes = () if kind.deferred is not None else model_shapes(wire)
        shapes = tuple(shape for shape in shapes if shape[1].__raw_fields__)
        doc = docs.get(info.name, "")
        decls.append(
            FieldDecl(info.name, info.encode_name, wire, kind, default, doc, public, shapes)
        )
        setattr(cls, "_w_" + info.name, cls.__dict__[info.name])  # the slot, unnormalised
    return tuple(decls)


def wire_type(tp: Any) -> Any:
    """What msgspec decodes for a declared type: in each ``Annotated[public, Kind]`` inside it,
    the Kind's ``wire`` (if given) replaces the public type; the Kinds stay for the slow path."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        kinds = [m for m in args[1:] if isinstance(m, Kind)]
        inner = kinds[-1].wire if kinds and kinds[-1].wire is not None else args[0]
        return _annotate(wire_type(inner), list(args[1:]))
    if origin in (Union, types.UnionType):
        return Union[tuple(wire_type(arg) for arg in args)]  # noqa: UP007
    if origin in (list, dict):
        return origin[tuple(wire_type(arg) for arg in args)]
    return tp


def _view_reader(public: Any) -> Callable[[Any, Any], Any]:
    cls = next(arg for arg in typing.get_args(public) if arg is not type(None))

    def read(model: Any, value: Any) -> Any:
        return view(cls, value)

    read.view_of = cls  # type: ignore[attr-defined]  # for the field table (types/_doc.py)
    return read


def public_type(decl: FieldDecl) -> Any:
    """The attribute's type as a type checker sees it."""
    return decl.public


def type_text(tp: Any) -> str:
    """A type as a reader writes it: short names, ``X | None`` with None last."""
    tp = _strip(tp)[0]
    if tp is None or tp is type(None):
        return "None"
    if tp is Any:
        return "Any"
    if isinstance(tp, str):
        return tp
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (Union, types.UnionType):
        texts = [type_text(arg) for arg in args if arg is not type(None)]
        return " | ".join(texts + ["None"] * (type(None) in args))
    origin = typing.get_origin(tp)
    if origin is not None and args:
        return f"{_short_name(origin)}[{', '.join(type_text(arg) for arg in args)}]"
    return _short_name(tp)


def _short_name(tp: Any) -> str:
    name = getattr(tp, "__name__", None)
    return name if isinstance(name, str) else repr(tp).replace("typing.", "")


def _public_signature(cls: Any, decls: tuple[FieldDecl, ...]) -> inspect.Signature:
    """msgspec's signature of ``cls`` without ``_ref`` and without annotations: those are the
    wire types (``Annotated[..., Kind(...)]``); the public types are in the docstring, each with
    its field's description."""
    names = {decl.name for decl in decls}
    wire: inspect.Signature = msgspec.StructMeta.__dict__["__signature__"].__get__(cls)
    return wire.replace(
        parameters=[
            parameter.replace(annotation=inspect.Parameter.empty)
            for parameter in wire.parameters.values()
            if parameter.name in names
        ],
        return_annotation=inspect.Signature.empty,
    )


def _help_text(doc: str | None, decls: tuple[FieldDecl, ...]) -> str:
    """The class docstring followed by one line per field: ``name (type): description``."""
    lines = [
        f"    {decl.name} ({type_text(public_type(decl))})" + (f": {decl.doc}" if decl.doc else "")
        for decl in decls
    ]
    head = inspect.cleandoc(doc) if doc else ""
    return "\n\n".join(part for part in (head, "Attributes:\n" + "\n".join(lines)) if part)


def split_kind(annotation: Any) -> tuple[Any, Kind]:
    if typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        kinds = [m for m in args[1:] if isinstance(m, Kind)]
        rest = [m for m in args[1:] if not isinstance(m, Kind)]
        if kinds:
            return _annotate(args[0], rest), kinds[-1]
        inner, kind = split_kind(args[0])
        return _annotate(inner, rest), kind
    return annotation, Kind()


def _annotate(tp: Any, metadata: list[Any]) -> Any:
    if not metadata:
        return tp
    # Subscription, not Annotated.__class_getitem__: CPython 3.13 no longer has that method.
    annotated: Any = typing.Annotated
    args = (tp, *metadata)
    return annotated[args]


def model_fields(cls: type[Model]) -> tuple[FieldDecl, ...]:
    return cls.__fields__


# --- the slow path: canonical wire values, or an error naming the field -------------------------


def canonical(
    value: Any, annotation: Any, path: PathLike, relaxed: bool = False, field: bool = True
) -> Any:
    """``value`` in the form msgspec accepts for ``annotation``, or ResponseValidationError.
    A lenient field (every field of a model, when ``relaxed``) that does not fit becomes None;
    an array item or object value that does not fit makes its whole field not fit."""
    wire, kind = split_kind(annotation)
    if (relaxed and field) or kind.strictness == LENIENT:
        try:
            return _canonical(value, wire, kind, path, relaxed)
        except ResponseValidationError:
            return None
    return _canonical(value, wire, kind, path, relaxed)


def _canonical(value: Any, wire: Any, kind: Kind, path: PathLike, relaxed: bool) -> Any:
    if kind.coerce is not None:
        value = kind.coerce(value, path)
    base, _ = _strip(wire)
    options = _union_members(base)
    if value is None:
        if type(None) in options or Any in options:
            return None
        raise fail(path, kind.expected or _phrase(options), value)
    if Any in options:
        return value
    if isinstance(value, dict):
        for option in options:
            target, _ = _strip(option)
            if isinstance(target, type) and issubclass(target, Model):
                return canonical_model(value, target, path, relaxed)
            if typing.get_origin(target) is dict:
                value_type = typing.get_args(target)[1]
                return {
                    k: canonical(v, value_type, FieldPath(path, k), relaxed, field=False)
                    for k, v in value.items()
                }
    elif isinstance(value, list):
        for option in options:
            target, _ = _strip(option)
            if typing.get_origin(target) is list:
                item_type = typing.get_args(target)[0]
                return [
                    canonical(v, item_type, FieldPath(path, i), relaxed, field=False)
                    for i, v in enumerate(value)
                ]
    else:
        for option in options:
            if _is_container(option):
                continue
            try:
                return _convert(value, option)
            except (ValueError, RecursionError):  # a ValidationError, or a lone surrogate
                # that msgspec cannot encode as UTF-8 (UnicodeEncodeError) to read a number
                continue
    raise fail(path, kind.expected or _phrase(options, value), value)


def canonical_model(
    value: Any, cls: type[Model], path: PathLike, relaxed: bool = False
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(path, "an object", value)
    out: dict[str, Any] = {}
    for decl in cls.__fields__:
        hints = _annotate(decl.wire, [decl.kind])
        item = canonical(value.get(decl.key), hints, FieldPath(path, decl.key), relaxed)
        if decl.kind.deferred is not None:  # the slot takes msgspec.Raw (absent: None)
            item = None if item is None else to_raw(item)
            if item is None:
                continue
        if item is not None or decl.key in value:
            out[decl.key] = item
    return out


def _strip(tp: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        return args[0], list(args[1:])
    return tp, []


def _union_members(tp: Any) -> list[Any]:
    if typing.get_origin(tp) in (Union, types.UnionType):
        return list(typing.get_args(tp))
    return [tp]


def _is_container(tp: Any) -> bool:
    target, _ = _strip(tp)
    origin = typing.get_origin(target)
    return origin in (list, dict) or (isinstance(target, type) and issubclass(target, Model))


_PHRASES: dict[Any, str] = {
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    str: "a string",
    dt.datetime: "an ISO 8601 date-time",
}


def _phrase(options: list[Any], value: Any = None) -> str:
    real = [o for o in options if o is not type(None)]
    if not real:
        return "null"
    target, _ = _strip(real[0])
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if target is float and number and (not isinstance(value, float) or not math.isfinite(value)):
        return "a finite number"
    if target in _PHRASES:
        return _PHRASES[target]
    origin = typing.get_origin(target)
    if origin is list:
        return "an array"
    return "an object"


def convert(value: Any, target: Any, path: PathLike, relaxed: bool = False) -> Any:
    """``value`` (decoded JSON) as ``target``: msgspec in C first, with each deferred value
    written as the Raw its slot takes (:func:`_with_raw`); when msgspec refuses, the slow path
    (:func:`canonical`) names the field or makes the value fit.

    (Writing the whole tree as JSON and decoding it like a response would be faster, but msgspec
    writes bytes, datetimes, UUIDs, enums and non-string keys as JSON text without a word, so a
    value the tree path refuses would be read silently: ``eval_type=b"binary"`` as "YmluYXJ5".)
    """
    model = isinstance(target, type)
    target = target if model else wire_type(target)  # a declared type (``Runs``) as decoded
    try:
        shapes = (("model", target),) if model else model_shapes(target)
        converted = _convert(_with_raw(value, shapes), target)
    except (ValueError, RecursionError):  # ValidationError; UnicodeEncodeError (lone surrogate)
        pass
    else:
        items = [converted] if isinstance(converted, Model) else converted
        items = list(items.values()) if isinstance(items, dict) else items
        items = items if isinstance(items, list) else []
        with contextlib.suppress(ValueError):  # lazy models' checks (eager ones ran already)
            check_all([m for m in items if isinstance(m, Model) and not m.__eager__])
            return converted
    fitted = canonical(value, target, path, relaxed)
    try:
        return _convert(fitted, target)
    except (ValueError, RecursionError) as exc:
        raise translate(exc, path, value) from None


def model_shapes(tp: Any) -> tuple[tuple[str, Any], ...]:
    """``("model" | "list" | "dict", model class)`` for each way ``tp`` holds models."""
    found = []
    for option in _union_members(_strip(split_kind(tp)[0])[0]):
        target = _strip(option)[0]
        origin, args = typing.get_origin(target), typing.get_args(target)
        shape, inner = (
            ("list", args[0])
            if origin is list
            else ("dict", args[-1])
            if origin is dict
            else ("model", target)
        )
        inner = _strip(inner)[0]
        if isinstance(inner, type) and issubclass(inner, Model):
            found.append((shape, inner))
    return tuple(found)


def _with_raw(value: Any, shapes: tuple[tuple[str, Any], ...]) -> Any:
    """Decoded JSON with each deferred field's value written as the ``msgspec.Raw`` its slot
    takes (copying only the objects on the way to one; ``value`` is not changed), so that a
    tree converts in C as bytes decode. Shapes that do not fit are left for msgspec to refuse."""
    for shape, cls in shapes:
        if not cls.__raw_fields__:
            return value
        if shape == "model" and isinstance(value, dict):
            return _object_with_raw(value, cls)
        if shape == "list" and isinstance(value, list):
            return [_object_with_raw(v, cls) if type(v) is dict else v for v in value]
        if shape == "dict" and isinstance(value, dict):
            return {k: _object_with_raw(v, cls) if type(v) is dict else v for k, v in value.items()}
    return value


def _object_with_raw(value: dict[str, Any], cls: type[Model]) -> dict[str, Any]:
    out = value
    for decl in cls.__raw_fields__:
        if decl.key not in value:
            continue
        item = value[decl.key]
        new = to_raw(item) if decl.kind.deferred is not None else _with_raw(item, decl.shapes)
        if new is not item:
            if out is value:
                out = value.copy()
            if new is None:  # not JSON: a lenient field that does not fit
                del out[decl.key]
            else:
                out[decl.key] = new
    return out


def view(cls: type[M], value: Any, path: PathLike = "") -> M | None:
    """A lenient typed view of an untyped value: the model when ``value`` is a non-empty
    object (fields that do not fit are None), else None. ``raw`` is ``value``."""
    if isinstance(value, cls):  # already built (by hand, or by copy/pickle re-running this)
        return value
    if not isinstance(value, dict) or not value:
        return None
    model: M = convert(value, cls, path, relaxed=True)
    model._attach(RawRef(tree=value))
    return model


def translate(exc: Exception, path: PathLike, value: Any) -> ResponseValidationError:
    """A safety net: msgspec's own message (the slow path normally raises first)."""
    return fail(path, f"a valid value ({exc})", value)


def decode_error(text: str | bytes, expected: str = "a JSON document") -> ResponseValidationError:
    preview = text[:200].decode("utf-8", "replace") if isinstance(text, bytes) else text[:200]
    return fail("", expected, preview)


# --- to_dict -------------------------------------------------------------------------------------


_DERIVED = ("evaluated", "extra")


def to_jsonable(value: Any) -> Any:
    """Plain JSON values from a model (recursively): attribute names, normalised values,
    durations in seconds, ISO datetimes, enum values; ``raw`` is left out."""
    if isinstance(value, Model):
        out = {
            d.name: to_jsonable(getattr(value, d.name))
            for d in type(value).__fields__
            if d.kind.feeds is None
        }
        for name in _DERIVED:  # derived attributes, once fields
            if isinstance(getattr(type(value), name, None), property):
                out[name] = to_jsonable(getattr(value, name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def unknown_fields(model: Model) -> dict[str, Any]:
    """The fields of ``model.raw`` no declaration reads (``extra``)."""
    known = {d.key for d in type(model).__fields__}
    return {k: v for k, v in model.raw.items() if k not in known}
