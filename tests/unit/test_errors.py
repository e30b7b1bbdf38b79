"""The error catalogue: one list of codes, every code raised is in it, the README says the same."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from workers.errors import CATALOGUE, AuthError, NotFoundError, PermanentError, input_error, markdown_table

ROOT = Path(__file__).resolve().parents[2]

PINNED = {
    # a document's outcome
    "empty_file", "unsupported_type", "corrupt_file", "encrypted_pdf", "file_too_large", "too_many_pages",
    "page_too_large", "page_timeout", "no_pages", "pdf_timeout", "worker_crashed", "internal_error", "hash_mismatch",
    "bad_event",
    # requests
    "bad_value", "bad_field", "bad_batch", "bad_register", "bad_name", "bad_password", "bad_role", "user_exists",
    "link_conflict", "not_a_result", "not_failed", "not_indexed", "original_missing", "preview_failed", "index_rejected",
    "not_found", "unauthorized", "forbidden", "bad_token", "csrf_failed", "request_too_large", "request_timeout",
    "too_many_requests", "preview_too_large", "document_failed",
    # installation and dependencies
    "transient", "config", "taxonomy_invalid",
}  # fmt: skip


def test_the_list_of_codes_is_pinned() -> None:
    # Codes are stored in records, shown in the UI and matched by clients: adding or removing one is a
    # deliberate change to this list too.
    assert set(CATALOGUE) == PINNED


def test_every_message_says_it_in_vietnamese_with_an_english_gloss() -> None:
    for code, info in CATALOGUE.items():
        assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", info.message.lower()), code
        assert info.message.rstrip().endswith(")") and "(" in info.message, code
        assert 400 <= info.status < 600, code


def _codes_in_source() -> dict[str, set[str]]:
    """Every string literal used as an error code in ``workers/``: ``code="x"`` keywords and the first
    argument of ``input_error``/``describe``/``_fail``-style calls that take a code."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "workers").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found.setdefault(kw.value.value, set()).add(path.name)
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("input_error", "describe") and node.args and isinstance(node.args[0], ast.Constant):
                found.setdefault(str(node.args[0].value), set()).add(path.name)
    return found


def test_every_code_raised_in_the_code_is_catalogued() -> None:
    found = _codes_in_source()
    assert len(found) >= 20  # the scan itself works
    missing = {code: sorted(where) for code, where in found.items() if code not in CATALOGUE}
    assert not missing, f"codes raised but not in workers/errors.py CATALOGUE: {missing}"


def test_the_readme_tables_are_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text()
    for kind, document in (("document", True), ("request", False)):
        section = re.search(rf"<!-- codes:{kind} -->\n(.*?)\n<!-- /codes:{kind} -->", readme, re.S)
        assert section, f"README lost its codes:{kind} table"
        assert section.group(1) == markdown_table(document=document), (
            f"README's {kind} codes differ from the catalogue: paste workers.errors.markdown_table(document={document})"
        )


def test_errors_take_their_message_and_status_from_the_catalogue() -> None:
    exc = input_error("corrupt_file", "xref table broken")
    assert exc.code == "corrupt_file" and exc.http_status == 400
    assert exc.message.startswith(CATALOGUE["corrupt_file"].message) and "xref table broken" in exc.message
    assert NotFoundError().http_status == 404 and NotFoundError().message == CATALOGUE["not_found"].message
    assert AuthError(code="unauthorized").http_status == 401
    assert AuthError().http_status == 403
    assert PermanentError("cụ thể / specific", code="not_failed").http_status == 400
    assert PermanentError("x", code="no_such_code").http_status == 500  # an uncatalogued code is a bug: 500


def test_details_never_show_the_workers_temporary_paths() -> None:
    exc = input_error("corrupt_file", "Syntax Error: Couldn't open file '/tmp/sohoa-k2j3/ocr-x9/original': EOF")
    assert "/tmp" not in exc.message and "sohoa-k2j3" not in exc.message and "'original'" in exc.message
