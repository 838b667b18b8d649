"""Rendering a .docx template with docxtpl: a fresh DocxTemplate per render from the template's bytes (nothing
shared between threads but each part's patched source and compiled Jinja, which rendering only reads), in Jinja's
sandbox bounded by the document's limits (templates are uploaded by users: sandbox.py, limits.py), with autoescape
(a value such as "Công ty A & B <Ltd>" would otherwise corrupt the document without any error)."""

import hashlib
import re
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from io import BytesIO
from itertools import islice

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, Undefined
from lxml import etree

from workflow.documents import limits as _limits
from workflow.documents.sandbox import BoundedEnvironment

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def environment(*, strict: bool = False, kind=BoundedEnvironment) -> BoundedEnvironment:
    """A new bounded, sandboxed, autoescaping Jinja environment (of the class `kind`). `strict` makes an unknown name
    or field an error (used when validating an upload); rendering for real prints it as nothing."""
    return kind(autoescape=True, undefined=StrictUndefined if strict else Undefined)


# Text that docxtpl's listing pass would turn into tabs, line or page breaks, and the paragraphs as that pass finds
# them: as text, and as the UTF-8 bytes the body is rendered to when it is spliced in.
_LISTING_CHARS = {str: ("\t", "\a", "\f", "\n"), bytes: (b"\t", b"\a", b"\f", b"\n")}
_LISTING_TEXT = {
    str: re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\f\n]"),
    bytes: re.compile(rb"<w:t(?: [^>]*)?>[^<]*[\t\a\f\n]"),
}
_PARAGRAPH = {
    str: re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL),
    bytes: re.compile(rb"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL),
}
# What docxtpl replaces in the rendered text: the line break it put before each paragraph (for the line numbers of
# errors), and the escaped tags. Each group only where the one character it needs is found: a search for one
# character scans the 40 MB of 10,000 certificates in 5 ms, one for a longer string in 30.
_AFTER_RENDERING = (
    ("\n", (("\n<w:p>", "<w:p>"), ("\n<w:p ", "<w:p "))),
    ("_", (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))),
)
_AFTER_RENDERING_BYTES = tuple(
    (needed.encode(), tuple((old.encode(), new.encode()) for old, new in pairs)) for needed, pairs in _AFTER_RENDERING
)
# The body rendered to bytes keeps any lone surrogate Jinja made, so that it decodes back to the same text (and is
# not well-formed, so docxtpl's path takes it).
_SURROGATES = "surrogatepass"


class LeanTemplate(DocxTemplate):
    """docxtpl minus the work a document does not need, with the same document as a result (tested):
    - the listing pass (tabs and breaks typed in values) runs only on the paragraphs that have such text;
    - the column-count fix runs only for a template with a `{%tc %}` loop;
    - the rendered body is spliced into the saved package as the text Jinja made, instead of being parsed into a
      tree, moved into the document and serialized again (four fifths of rendering 10,000 certificates). Only when
      that cannot change the result: the body is well-formed XML and the template has no `{%tc %}` loop, no
      picture (docxtpl renumbers their ids in the tree) and no footnotes (docxtpl finds them through the body's
      sections). Otherwise docxtpl's own path runs, its forgiving parser included. A spliced body is rendered
      straight to UTF-8: the text of 10,000 certificates would take 80 MB;
    - each part's patched source and compiled Jinja are kept (_patched, _CompilingOnce)."""

    def __init__(self, template: bytes):
        super().__init__(BytesIO(template))
        with zipfile.ZipFile(BytesIO(template)) as archive:
            body = archive.read("word/document.xml")
            content_types = archive.read("[Content_Types].xml")
        self.column_loops = re.search(rb"\{%-?\s*tc\b", body) is not None
        self.spliceable = not self.column_loops and b"docPr" not in body and b"footnotes+xml" not in content_types
        self.body: bytes | None = None  # the rendered body, when package() splices it in

    def build_xml(self, context, jinja_env=None):
        """The rendered body: as UTF-8 bytes when it may be spliced in (fix_tables() then only checks it), without
        ever holding it as text, which takes twice the memory; else as text, for docxtpl's path."""
        if not self.spliceable or self.docx.element.body.prefix != "w":
            return super().build_xml(context, jinja_env)
        return self._render(self.patch_xml(self.get_xml()), self.docx._part, context, jinja_env, encode=True)

    def patch_xml(self, src_xml):
        return _patched(src_xml)

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        return self._render(src_xml, part, context, jinja_env, encode=False)

    def _render(self, src_xml: str, part, context, jinja_env, *, encode: bool):
        """docxtpl's render_xml_part(), with its passes over the rendered text as plain replacements: the same text,
        but a regular expression with a group over the 40 MB of 10,000 certificates took a fifth of the time."""
        src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else Template(src_xml)
            dst_xml = _joined(template.generate(context), encode=encode)
        except TemplateError as exc:
            if (line := _template_line(exc)) is not None:  # the text around the error, for the message
                # A syntax error may be found paragraphs after the tag that caused it (one left open): the text
                # around it; an error while rendering is in its own paragraph.
                around = 3 if getattr(exc, "lineno", None) is not None else 0
                lines = src_xml.splitlines()[max(line - 1 - around, 0) : line + around]
                exc.docx_context = [re.sub(r"<[^>]+>", "", text) for text in lines]
            raise
        for needed, pairs in _AFTER_RENDERING_BYTES if encode else _AFTER_RENDERING:
            for old, new in pairs:
                if needed in dst_xml:
                    dst_xml = dst_xml.replace(old, new)
        return self.resolve_listing(dst_xml)

    def resolve_listing(self, xml):
        # docxtpl's pass goes through every paragraph; only those with such text can change.
        kind = type(xml)
        if not any(char in xml for char in _LISTING_CHARS[kind]) or not _LISTING_TEXT[kind].search(xml):
            return xml
        return _PARAGRAPH[kind].sub(lambda p: self._resolve_paragraph(p.group(0)), xml)

    def _resolve_paragraph(self, paragraph):
        if isinstance(paragraph, bytes):
            text = self._resolve_paragraph(paragraph.decode("utf-8", _SURROGATES))
            return text.encode("utf-8", _SURROGATES)
        return super().resolve_listing(paragraph) if _LISTING_TEXT[str].search(paragraph) else paragraph

    def fix_tables(self, xml):
        if isinstance(xml, bytes):  # see build_xml()
            if _well_formed(xml):
                self.body = xml
                return None  # no tree: map_tree() leaves the body empty, package() splices this one in
            xml = xml.decode("utf-8", _SURROGATES)
        if self.column_loops:
            return super().fix_tables(xml)
        return etree.fromstring(xml, parser=etree.XMLParser(recover=True))

    def fix_docpr_ids(self, tree):
        if tree is not None:
            super().fix_docpr_ids(tree)

    def map_tree(self, tree):
        if tree is None:
            self.docx.element.body.clear()
        else:
            super().map_tree(tree)

    def package(self) -> bytes:
        """The rendered document as the bytes of a .docx."""
        out = BytesIO()
        self.save(out)
        if self.body is None:
            return out.getvalue()
        return _replace_part(out.getvalue(), self.docx.part.partname.membername, b"<w:body/>", self.body)


@lru_cache(maxsize=64)
def _patched(src_xml: str) -> str:
    """docxtpl's patch_xml() (a dozen regular expressions over a part's source, a third of rendering a small
    decision), once per source: it reads nothing but its argument."""
    return DocxTemplate.patch_xml(None, src_xml)


def _template_line(exc: TemplateError) -> int | None:
    """The template's line an error is about: a syntax error says it, an error while rendering is in the
    traceback, whose template frames Jinja numbers with the template's own lines."""
    line, frame = getattr(exc, "lineno", None), exc.__traceback__
    while line is None and frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def _joined(pieces: Iterator[str], *, encode: bool = False) -> str | bytes:
    """What Template.render() gives (UTF-8 encoded if `encode`, never held as text), joined a few hundred pieces at
    a time rather than all at once: each value Jinja escapes is an object of its own, and the 110,000 of 10,000
    certificates, all held until one join, took 10 MB of the small blocks Python keeps for itself once freed.
    Counted against the document's output limit as it grows."""
    joined, budget = bytearray() if encode else [], _limits.current()
    while batch := list(islice(pieces, 256)):
        text = "".join(batch)
        budget.wrote(len(text))
        if encode:
            joined += text.encode("utf-8", _SURROGATES)
        else:
            joined.append(text)
    return bytes(joined) if encode else "".join(joined)


class _Nothing:
    """A parser target that builds nothing: libxml2 checks the document and calls no Python on the way."""

    def close(self) -> None:
        return None


def _well_formed(xml: bytes) -> bool:
    """Is `xml` well-formed UTF-8 XML, namespaces included? libxml2 without a tree checks the 40 MB of 10,000
    certificates in half the time expat takes; a namespace error does not stop it, so its error log is read too."""
    parser = etree.XMLParser(target=_Nothing(), huge_tree=True, resolve_entities=False, no_network=True)
    try:
        etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return False
    return not parser.error_log.filter_from_errors()


def _replace_part(package: bytes, name: str, placeholder: bytes, content: bytes) -> bytes:
    """The package with the one `placeholder` in its part `name` replaced by `content`, every entry kept as it was."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename != name:
                target.writestr(entry, data)
                continue
            head, found, tail = data.partition(placeholder)
            if not found or placeholder in tail:
                raise ValueError(f"{name}: expected one {placeholder!r}")
            # As writestr() writes head + content + tail (the same bytes), without that copy of the 40 MB body.
            entry.file_size = len(head) + len(content) + len(tail)
            with target.open(entry, "w") as part:
                for piece in (head, content, tail):
                    part.write(piece)
    return out.getvalue()


class _CompilingOnce(BoundedEnvironment):
    """The environment every render shares, keeping what it compiles: the same few parts (a template's body, its
    headers, its document properties) are rendered again and again, and compiling them took as long as rendering
    the annex of 1,000 awardees. A compiled template is only read while rendering, so threads share it."""

    def __init__(self, **options):
        super().__init__(**options)
        self._compile_once = lru_cache(maxsize=64)(super().from_string)

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        return self._compile_once(source)


_ENVIRONMENTS = {strict: environment(strict=strict, kind=_CompilingOnce) for strict in (False, True)}


def render(template: bytes, context: dict, *, strict: bool = False, limits: _limits.Limits | None = None) -> bytes:
    """The template rendered with `context`, as the bytes of a .docx, within `limits` (by default the configured
    ones of making a document). Raises limits.LimitExceeded past them, Jinja's TemplateError for a broken tag."""
    document = LeanTemplate(template)
    with _limits.budget(limits or _limits.configured("render")):
        document.render(context, jinja_env=_ENVIRONMENTS[strict], autoescape=True)
    return document.package()


def undeclared_variables(template: bytes) -> set[str]:
    """The top-level names the template uses without defining them (its body, headers and footers)."""
    return DocxTemplate(BytesIO(template)).get_undeclared_template_variables(jinja_env=environment())


def stored(kind: str, filename: str, template_label: str, data: bytes) -> dict:
    """A rendered document as the columns of an IssuedDocument."""
    return {
        "kind": kind,
        "filename": filename,
        "content_type": DOCX_CONTENT_TYPE,
        "template_label": template_label[:120],
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "data": data,
    }
