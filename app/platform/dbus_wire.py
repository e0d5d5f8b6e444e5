"""D-Bus messages as they arrive, read straight from their bytes (app.platform.atspi's answers).

jeepney reads a message field by field through its type objects (~55 us for a one-string answer); a find
reads hundreds of answers, so the few kinds the adapter asks for (strings, numbers, object lists, extents,
and these in a variant) are read here directly and anything else is left to jeepney. The bytes come from
other programs through the bus: every length is checked against the message, an answer that cannot be read
is no answer (None), and what is not D-Bus at all is a ValueError."""

from __future__ import annotations

import struct
from typing import Any

__all__ = ["MAX_MESSAGE", "METHOD_RETURN", "message_size", "read_reply", "socket_path"]

MAX_MESSAGE = 1 << 27
"""The longest message D-Bus allows (128 MiB): a longer length is not D-Bus."""
METHOD_RETURN = 2
_REPLY_SERIAL, _SIGNATURE = 5, 8
"""Header fields of a message: the serial it answers, and the types of its body."""


_LITTLE = 0x6C  # "l"
_BIG = 0x42  # "B"
_FIXED = struct.Struct("<BBBBIII")
"""A message's start: endianness, type, flags, version, body length, serial, header fields' length."""
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_BOX = struct.Struct("<iiii")


def message_size(data: bytes | bytearray, at: int = 0) -> int:
    """The length of the message at `at` (from its first 16 bytes); ValueError when they are not D-Bus."""
    order = data[at]
    if order not in (_LITTLE, _BIG):
        raise ValueError("not a D-Bus message")
    body, fields = struct.unpack_from("<4xI4xI" if order == _LITTLE else ">4xI4xI", data, at)
    size: int = ((16 + fields + 7) & ~7) + body
    if size > MAX_MESSAGE:
        raise ValueError("a message longer than D-Bus allows")
    return size


def read_reply(data: bytes) -> tuple[int, int, tuple[Any, ...] | None]:
    """The type of a whole message, the serial it answers (-1: none) and its body, None when the body
    cannot be read. The answers asked for (strings, object lists, numbers, extents, and these in a
    variant) are read here; any other message goes to jeepney. ValueError when it is not D-Bus."""
    if data[0] != _LITTLE:
        return _reply_by_jeepney(data)
    try:
        _, kind, _, _, body_length, _, fields_length = _FIXED.unpack_from(data)
        at, end = 16, 16 + fields_length
        answered, signature = -1, ""
        while at < end:
            at = (at + 7) & ~7
            code, size = data[at], data[at + 1]
            field_type = data[at + 2:at + 2 + size]
            at += 3 + size
            if field_type == b"u":
                at = (at + 3) & ~3
                if code == _REPLY_SERIAL:
                    answered = _U32.unpack_from(data, at)[0]
                at += 4
            elif field_type in (b"s", b"o"):
                at = (at + 3) & ~3
                at += _U32.unpack_from(data, at)[0] + 5
            elif field_type == b"g":
                if code == _SIGNATURE:
                    signature = data[at + 1:at + 1 + data[at]].decode("ascii")
                at += data[at] + 2
            else:  # a header field D-Bus does not define
                return _reply_by_jeepney(data)
        body_at = (end + 7) & ~7
        if at != end or body_at + body_length != len(data):
            raise ValueError("a header that does not add up")
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"a header that cannot be read ({exc})") from None
    if kind != METHOD_RETURN:
        return kind, answered, None
    try:
        body = _body(data, body_at, signature)
    except (IndexError, ValueError, struct.error):
        return kind, answered, None  # an answer that cannot be read is no answer
    return (kind, answered, _reply_by_jeepney(data)[2]) if body is None else (kind, answered, body)


def _body(data: bytes, at: int, signature: str) -> tuple[Any, ...] | None:
    """The body at `at` for the signatures answers have; None for another signature."""
    if signature == "v":
        size = data[at]
        inner = data[at + 1:at + 1 + size].decode("ascii")
        if data[at + 1 + size] != 0:
            raise ValueError("an unterminated signature")
        value, _ = _value(data, at + 2 + size, inner)
        return None if value is _UNREAD else ((inner, value),)
    if signature == "":
        return ()
    value, _ = _value(data, at, signature)
    return None if value is _UNREAD else (value,)


_UNREAD = object()
"""What _value gives for a type it does not read."""


def _value(data: bytes, at: int, signature: str) -> tuple[Any, int]:
    """A value of `signature` at `at`, and where it ends."""
    if signature in ("s", "o"):
        return _string(data, at)
    if signature in ("u", "i", "b"):
        at = (at + 3) & ~3
        if at + 4 > len(data):
            raise ValueError("a number past the end")
        number = (_I32 if signature == "i" else _U32).unpack_from(data, at)[0]
        return (bool(number) if signature == "b" else number), at + 4
    if signature == "(so)":
        name, at = _string(data, (at + 7) & ~7)
        path, at = _string(data, at)
        return (name, path), at
    if signature == "a(so)":
        at = (at + 3) & ~3
        length = _U32.unpack_from(data, at)[0]
        at = (at + 4 + 7) & ~7
        end = at + length
        if end > len(data):
            raise ValueError("an array past the end")
        items = []
        while at < end:
            name, at = _string(data, (at + 7) & ~7)
            path, at = _string(data, at)
            items.append((name, path))
        if at != end:
            raise ValueError("an array that does not add up")
        return items, at
    if signature == "(iiii)":
        at = (at + 7) & ~7
        if at + 16 > len(data):
            raise ValueError("extents past the end")
        return _BOX.unpack_from(data, at), at + 16
    return _UNREAD, at


def _string(data: bytes, at: int) -> tuple[str, int]:
    at = (at + 3) & ~3
    length = _U32.unpack_from(data, at)[0]
    start, end = at + 4, at + 4 + length
    if end >= len(data) or data[end] != 0:
        raise ValueError("a string past the end")
    return data[start:end].decode("utf-8"), end + 1


def _reply_by_jeepney(data: bytes) -> tuple[int, int, tuple[Any, ...] | None]:
    from jeepney import HeaderFields
    from jeepney.low_level import Message

    try:
        message = Message.from_buffer(data)
    except (ValueError, KeyError, IndexError, TypeError, struct.error) as exc:
        raise ValueError(f"a message that cannot be read ({exc})") from None
    answered = message.header.fields.get(HeaderFields.reply_serial, -1)
    kind: int = message.header.message_type.value
    return kind, answered if isinstance(answered, int) else -1, tuple(message.body)


def socket_path(address: str) -> str | None:
    """The socket path of a D-Bus address of the form unix:path=... (escapes undone); None for any other
    (abstract sockets, TCP, a relative or odd path)."""
    kind, _, rest = address.partition(":")
    if kind != "unix":
        return None
    from urllib.parse import unquote_to_bytes

    keys = dict(part.partition("=")[::2] for part in rest.split(","))
    try:
        path = unquote_to_bytes(keys.get("path", "")).decode()  # D-Bus escapes bytes as %xx
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or "\0" in path or len(path.encode()) >= 108:  # sun_path holds 108 bytes
        return None
    return path
