"""cmark-gfm's Markdown → HTML, without the memory leak of cmarkgfm's own wrapper.

``cmarkgfm.markdown_to_html_with_extensions`` (2025.10.22) never frees the document tree that
``cmark_parser_finish`` hands over, nor the HTML string ``cmark_render_html`` allocates: a
worker grew by ~5 MB for every view of a 100,000-character minutes, ~27 MB for a deeply quoted
one, until the kernel killed it. This does the same calls and frees both. The two functions
needed are exported by cmarkgfm's own extension module, so they are reached through ctypes on
that very library (its allocator is the default one, libc's).
"""
from __future__ import annotations

import ctypes

from cmarkgfm import _cmark

_ffi, _lib = _cmark.ffi, _cmark.lib


class _Allocator(ctypes.Structure):
    """``cmark_mem``: the allocator cmark allocates everything it returns with."""

    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p),
                ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]


_library = ctypes.CDLL(_cmark.__file__)
_library.cmark_node_free.argtypes = [ctypes.c_void_p]
_library.cmark_node_free.restype = None
_library.cmark_get_default_mem_allocator.restype = ctypes.POINTER(_Allocator)
_free = _library.cmark_get_default_mem_allocator().contents.free


def _address(pointer) -> int:
    return int(_ffi.cast("uintptr_t", pointer))


def _extensions(names: list[str]) -> list:
    _lib.cmark_gfm_core_extensions_ensure_registered()
    found = [_lib.cmark_find_syntax_extension(name.encode()) for name in names]
    if any(extension == _ffi.NULL for extension in found):
        raise ValueError(f"unknown cmark-gfm extension among {names}")
    return found


def to_html(text: str, *, options: int, extensions: list[str]) -> str:
    """The HTML of ``text``, everything cmark allocated for it freed before returning."""
    parser = _lib.cmark_parser_new(options)
    root = html = _ffi.NULL
    try:
        for extension in _extensions(extensions):
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        source = text.encode("utf-8")
        _lib.cmark_parser_feed(parser, source, len(source))
        root = _lib.cmark_parser_finish(parser)
        html = _lib.cmark_render_html(root, options, _lib.cmark_parser_get_syntax_extensions(parser))
        return _ffi.string(html).decode("utf-8")
    finally:
        if html != _ffi.NULL:
            _free(_address(html))
        if root != _ffi.NULL:
            _library.cmark_node_free(_address(root))
        _lib.cmark_parser_free(parser)
