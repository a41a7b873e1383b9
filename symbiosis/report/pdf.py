"""The report as a PDF (reportlab, A4): the same sections, figures and tables as the HTML, with
the headline figures as real text (searchable, copyable)."""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from symbiosis.report.document import Block, Picture, Report
from symbiosis.report.document import Paragraph as TextBlock
from symbiosis.report.document import Table as TableBlock

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
ACCENT = colors.HexColor("#0072B2")
MARGIN = 14 * mm
CELL_PADDING = 3
# A word of a park's names ("mo_industripark.district_heating->elkem") wider than its column
# breaks after one of these, not at any letter as ReportLab would split it.
WORD_PARTS = re.compile(r"[^_\-./→>]*(?:[_\-./→>]+|$)")
HEADLINE_PADDING = 6  # reportlab's default cell padding
SMALLEST_HEADLINE = 9.0


def _register_fonts() -> None:
    """DejaVu Sans from matplotlib's own files: covers ø, å, ä, →, ° and ₂ (Helvetica does not)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=18, leading=22,
                                alignment=0, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=body, textColor=colors.HexColor("#5f6368")),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=13, leading=16,
                             textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=BOLD, fontSize=10, leading=13,
                             spaceBefore=6, spaceAfter=2),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=7, leading=8.6),
        "cell_num": ParagraphStyle("cell_num", parent=body, fontSize=7, leading=8.6, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=7, leading=8.6),
        "head_num": ParagraphStyle("head_num", parent=body, fontName=BOLD, fontSize=7, leading=8.6,
                                   alignment=TA_RIGHT),
        "label": ParagraphStyle("label", parent=body, fontSize=7.5, textColor=colors.HexColor("#5f6368")),
        "value": ParagraphStyle("value", parent=body, fontName=BOLD, fontSize=13, leading=16),
        "caption": ParagraphStyle("caption", parent=body, fontSize=7.5, alignment=1,
                                  textColor=colors.HexColor("#5f6368")),
    }


def _text(text: str) -> str:
    """Escape for reportlab's paragraph markup: names from park files stay text."""
    return escape(str(text), quote=False)


def _cell_text(text: str, style: ParagraphStyle, width: float) -> str:
    """Paragraph markup of ``text`` with a line break inside each word wider than ``width`` points,
    after the last underscore, hyphen, dot, slash or arrow that fits on the line."""
    def fits(part: str) -> bool:
        return stringWidth(part, style.fontName, style.fontSize) <= width

    def wrapped(word: str) -> str:
        if fits(word):
            return _text(word)
        lines = [""]
        for part in (p for p in WORD_PARTS.findall(word) if p):
            if lines[-1] and not fits(lines[-1] + part):
                lines.append("")
            lines[-1] += part
        return "<br/>".join(_text(line) for line in lines)

    return " ".join(wrapped(word) for word in str(text).split(" "))


def write_pdf(report: Report, path: str | Path) -> None:
    """Write the report to ``path`` (A4 portrait; wide tables shrink to the page width)."""
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN, title=report.title, author="symbiosis",
                                 subject="proposed exchanges for the cluster meeting")
    width = document.width
    story: list[Flowable] = [Paragraph(_text(report.title), styles["title"]),
                             Paragraph(_text(report.subtitle), styles["subtitle"]), Spacer(1, 6),
                             _headline(report, styles, width)]
    for section in report.sections:
        story.append(CondPageBreak(60 * mm))
        flowables = [f for block in section.blocks for f in _block(block, styles, width)]
        # The heading never stands alone at the foot of a page.
        story.append(KeepTogether([Paragraph(_text(section.title), styles["h2"]), *flowables[:1]]))
        story.extend(flowables[1:])
    document.build(story, onFirstPage=_footer(report), onLaterPages=_footer(report))
    Path(path).write_bytes(buffer.getvalue())


def _footer(report: Report):
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#5f6368"))
        canvas.drawString(MARGIN, 8 * mm, f"{report.title} · {report.generated}"[:140])
        canvas.drawRightString(A4[0] - MARGIN, 8 * mm, f"page {document.page}")
        canvas.restoreState()

    return draw


def _headline(report: Report, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    count = max(len(report.headline), 1)
    text_width = width / count - 2 * HEADLINE_PADDING
    cells = [[Paragraph(_text(h.label.upper()), styles["label"]),
              _headline_value(h.value, styles["value"], text_width),
              Paragraph(_text(h.note), styles["label"])] for h in report.headline]
    table = Table([cells], colWidths=[width / count] * count)
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#d9d9d9")),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#d9d9d9")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _headline_value(value: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A headline figure in its card: each phrase of it (``optimal,`` ``gap 0.0098 %``) on a line
    of its own, the font as large as lets each phrase with a figure stay on one line (down to
    ``SMALLEST_HEADLINE`` points; a wrapped "gap 0.0098 %" left the % alone on a third line)."""
    phrases = [p + "," for p in value.split(", ")[:-1]] + value.split(", ")[-1:]

    def least_width(phrase: str) -> float:  # at 1 pt: a phrase with a figure is kept whole
        parts = [phrase] if any(c.isdigit() for c in phrase) else phrase.split()
        return max((stringWidth(p, style.fontName, 1.0) for p in parts), default=0.0)

    widest = max(least_width(p) for p in phrases)
    size = min(style.fontSize, max(SMALLEST_HEADLINE, width / widest)) if widest else style.fontSize
    fitted = ParagraphStyle(f"{style.name}_{size:.1f}", parent=style, fontSize=size,
                            leading=size * style.leading / style.fontSize)
    return Paragraph("<br/>".join(_text(p) for p in phrases), fitted)


def _block(block: Block, styles: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    if isinstance(block, TextBlock):
        link = (f' <a href="{escape(block.link)}" color="blue">{_text(block.link_text)}</a>'
                if block.link else "")
        return [Paragraph(_text(block.text) + link, styles["body"])]
    if isinstance(block, Picture):
        return [_picture(block, styles, width)]
    if isinstance(block, TableBlock):
        return _table(block, styles, width)
    raise TypeError(f"unknown report block {type(block).__name__}")


def _picture(block: Picture, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    px_w, px_h = block.size_px
    shown_w = min(width, px_w * 72 / 150)
    shown_h = shown_w * px_h / px_w
    most = A4[1] - 2 * MARGIN - 60
    if shown_h > most:
        shown_w, shown_h = shown_w * most / shown_h, most
    image = Image(io.BytesIO(block.png), width=shown_w, height=shown_h)
    return KeepTogether([image, Paragraph(_text(block.caption), styles["caption"]), Spacer(1, 6)])


def _table(block: TableBlock, styles: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    weights = block.widths or tuple(1.0 for _ in block.columns)
    column_widths = [width * w / sum(weights) for w in weights]

    def cell(text: str, column: int, head: bool) -> Paragraph:
        numeric = column in block.numeric
        style = styles[("head" if head else "cell") + ("_num" if numeric else "")]
        return Paragraph(_cell_text(text, style, column_widths[column] - 2 * CELL_PADDING), style)

    data = [[cell(c, i, True) for i, c in enumerate(block.columns)]]
    data += [[cell(c, i, False) for i, c in enumerate(row)] for row in block.rows]
    table = Table(data, colWidths=column_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f7")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9d9d9")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#fafafa")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]))
    if not block.title:
        return [table]
    title = Paragraph(_text(block.title), styles["h3"])
    # A short table stays with its title; a long one may split across pages, its header repeated.
    return [KeepTogether([title, table])] if len(block.rows) < 25 else [title, table]
