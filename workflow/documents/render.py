"""Rendering a .docx template with docxtpl: a fresh DocxTemplate per render from the template's bytes (nothing
shared between threads), in Jinja's sandbox (templates are uploaded by users), with autoescape (a value such as
"Công ty A & B <Ltd>" would otherwise corrupt the document without any error)."""

import hashlib
import re
import zipfile
from io import BytesIO
from xml.parsers import expat

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def environment(*, strict: bool = False) -> ImmutableSandboxedEnvironment:
    """A new sandboxed, autoescaping Jinja environment. `strict` makes an unknown name or field an error (used
    when validating an upload); rendering for real prints it as nothing."""
    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined if strict else Undefined)


# Text that docxtpl's listing pass would turn into tabs, line or page breaks.
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\f\n]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's listing pass finds paragraphs


class LeanTemplate(DocxTemplate):
    """docxtpl minus the work a document does not need, with the same document as a result (tested):
    - the listing pass (tabs and breaks typed in values) runs only on the paragraphs that have such text;
    - the column-count fix runs only for a template with a `{%tc %}` loop;
    - the rendered body is spliced into the saved package as the text Jinja made, instead of being parsed into a
      tree, moved into the document and serialized again (four fifths of rendering 10,000 certificates). Only when
      that cannot change the result: the body is well-formed XML and the template has no `{%tc %}` loop, no
      picture (docxtpl renumbers their ids in the tree) and no footnotes (docxtpl finds them through the body's
      sections). Otherwise docxtpl's own path runs, its forgiving parser included."""

    def __init__(self, template: bytes):
        super().__init__(BytesIO(template))
        with zipfile.ZipFile(BytesIO(template)) as archive:
            body = archive.read("word/document.xml")
            content_types = archive.read("[Content_Types].xml")
        self.column_loops = re.search(rb"\{%-?\s*tc\b", body) is not None
        self.spliceable = not self.column_loops and b"docPr" not in body and b"footnotes+xml" not in content_types
        self.body: bytes | None = None  # the rendered body, when package() splices it in

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        """docxtpl's, with its passes over the rendered text as plain replacements: the same text, but a regular
        expression with a group over the 40 MB of 10,000 certificates took a fifth of the time."""
        src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else Template(src_xml)
            dst_xml = template.render(context)
        except TemplateError as exc:
            if getattr(exc, "lineno", None) is not None:  # the text around the error, for the upload's message
                line_number = max(exc.lineno - 4, 0)
                lines = src_xml.splitlines()[line_number : line_number + 7]
                exc.docx_context = [re.sub(r"<[^>]+>", "", line) for line in lines]
            raise
        dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        for escaped, tag in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            if escaped in dst_xml:
                dst_xml = dst_xml.replace(escaped, tag)
        return self.resolve_listing(dst_xml)

    def resolve_listing(self, xml):
        # docxtpl's pass goes through every paragraph; only those with such text can change.
        if not _LISTING_TEXT.search(xml):
            return xml
        return _PARAGRAPH.sub(lambda p: self._resolve_paragraph(p.group(0)), xml)

    def _resolve_paragraph(self, paragraph: str) -> str:
        return super().resolve_listing(paragraph) if _LISTING_TEXT.search(paragraph) else paragraph

    def fix_tables(self, xml):
        spliceable = self.spliceable and self.docx.element.body.prefix == "w"
        self.body = _well_formed(xml) if spliceable else None
        if self.body is not None:
            return None  # no tree: map_tree() leaves the body empty, package() splices this one in
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


def _well_formed(xml: str) -> bytes | None:
    """`xml` encoded as UTF-8, if it is well-formed (namespaces included); else None."""
    try:
        data = xml.encode("utf-8")
        expat.ParserCreate(namespace_separator=" ").Parse(data, True)
    except (UnicodeEncodeError, expat.ExpatError):
        return None
    return data


def _replace_part(package: bytes, name: str, placeholder: bytes, content: bytes) -> bytes:
    """The package with the one `placeholder` in its part `name` replaced by `content`, every entry kept as it was."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == name:
                head, found, tail = data.partition(placeholder)
                if not found or placeholder in tail:
                    raise ValueError(f"{name}: expected one {placeholder!r}")
                data = head + content + tail
            target.writestr(entry, data)
    return out.getvalue()


def render(template: bytes, context: dict, *, strict: bool = False) -> bytes:
    """The template rendered with `context`, as the bytes of a .docx."""
    document = LeanTemplate(template)
    document.render(context, jinja_env=environment(strict=strict), autoescape=True)
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
