"""The English catalog is complete, keeps every placeholder, and is up to date with the Chinese source.

A new UI string (``_()``, ``_l()``, ``N_()`` in Python or ``{{ _() }}`` in a template) without an
English translation fails ``test_catalog_covers_every_source_string``: run ``make i18n-extract``,
translate the new entries in ``meetings/translations/en/LC_MESSAGES/messages.po`` and commit it.
"""
import os
import re
from functools import cache

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAPPING = os.path.join(ROOT, "babel.cfg")
CATALOG = os.path.join(ROOT, "meetings", "translations", "en", "LC_MESSAGES", "messages.po")
# The Makefile's `pybabel extract -k _l`: the default keywords (_, gettext, N_, ...) plus lazy_gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
# A printf-style conversion, named (%(name)s) or not (%s, %d); "%%" is a literal percent sign.
CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
HOW_TO_FIX = ("run `make i18n-extract`, then translate the new entries in "
              "meetings/translations/en/LC_MESSAGES/messages.po (no empty msgstr, no '#, fuzzy')")


@cache
def catalog():
    with open(CATALOG, "rb") as f:
        return read_po(f, locale="en")


def messages():
    """The catalog's entries, without the header."""
    return [m for m in catalog() if m.id]


def as_tuple(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def describe(message) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return f"{as_tuple(message.id)[0]!r} ({where or 'no source location'})"


def conversions(text: str) -> list[str]:
    """The sorted printf conversions of a string, named ones by name."""
    found = CONVERSION.finditer(text)
    return sorted(m.group("name") if m.group("name") is not None else m.group(0) for m in found)


def source_messages() -> dict[tuple[str, str | None], str]:
    """What `pybabel extract -F babel.cfg -k _l` would write: (msgid, msgctxt) → first location."""
    with open(MAPPING, encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, MAPPING)
    # Walk only the top-level folders babel.cfg maps (skips .venv, node_modules, test-results...).
    tops = {pattern.replace("\\", "/").split("/", 1)[0] for pattern, _method in method_map}

    def directory_filter(path: str) -> bool:  # as the Makefile's --ignore-dirs: templates/_macros counts
        parts = os.path.relpath(path, ROOT).split(os.sep)
        return parts[0] in tops and not parts[-1].startswith(".") and parts[-1] != "__pycache__"

    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=directory_filter):
        msgid = as_tuple(message)[0]
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def test_catalog_header_is_english():
    assert str(catalog().locale) == "en"
    assert catalog().charset.lower() == "utf-8"
    assert catalog().plural_forms == "nplurals=2; plural=(n != 1);"
    assert not catalog().fuzzy, "the catalog header is marked '#, fuzzy': remove the flag"


def test_every_message_is_translated():
    assert messages(), "the English catalog is empty"
    untranslated = [describe(m) for m in messages() if not all(s.strip() for s in as_tuple(m.string))]
    assert not untranslated, f"{len(untranslated)} untranslated message(s): {untranslated}; {HOW_TO_FIX}"
    fuzzy = [describe(m) for m in messages() if m.fuzzy]
    assert not fuzzy, f"fuzzy message(s), check the translation and remove '#, fuzzy': {fuzzy}"


def test_translations_keep_the_placeholders():
    wrong = []
    for m in messages():
        expected = conversions(as_tuple(m.id)[-1])
        for translation in as_tuple(m.string):
            if conversions(translation) != expected:
                wrong.append(f"{describe(m)} → {translation!r}")
    assert not wrong, f"placeholders differ between msgid and msgstr (keep %(name)s exactly): {wrong}"


def test_catalog_passes_babels_checks():
    problems = [f"{describe(m)}: {', '.join(map(str, errors))}" for m, errors in catalog().check()]
    assert not problems, problems


def test_no_obsolete_entries():
    stale = [describe(m) for m in catalog().obsolete.values()]
    assert not stale, f"delete the obsolete '#~' entries from messages.po: {stale}"


def test_catalog_covers_every_source_string():
    extracted = source_messages()
    assert extracted, "babel extracted nothing: is babel.cfg still mapping meetings/ and templates/?"
    missing = [f"{msgid!r} ({where})" for (msgid, context), where in extracted.items()
               if catalog().get(msgid, context=context) is None]
    assert not missing, (f"{len(missing)} UI string(s) missing from the English catalog: {sorted(missing)}; "
                         f"{HOW_TO_FIX}")
