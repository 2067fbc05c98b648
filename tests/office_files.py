"""Real Office files, images and scanned PDFs made at test time (python-docx, openpyxl, Pillow).

No binary fixture is checked in: every file a test ingests is generated here.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

# --------------------------------------------------------------------------- Word

_TEXTBOX_XML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml">'
    "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>"
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)

HEADER_TEXT = "某某电器有限公司 受控文件"
FOOTER_TEXT = "售后服务管理手册 第A版"
TEXTBOX_TEXT = "文本框：投诉处理时限为二十四小时内响应"


def add_text_box(paragraph, text: str) -> None:
    """A modern text box with its VML fallback, as Word writes it (same text twice in the XML)."""
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(_TEXTBOX_XML.format(text=text)))


def make_docx(path: Path) -> Path:
    """A manual with a title, numbered clause headings, an auto-numbered list, a score table,
    a text box and a header/footer on two sections."""
    from docx import Document
    from docx.enum.section import WD_SECTION

    doc = Document()
    doc.core_properties.title = "售后服务管理手册"
    doc.add_paragraph("售后服务管理手册", style="Title")
    doc.add_heading("5 售后服务要求", level=1)
    doc.add_heading("5.1 服务体系", level=2)
    doc.add_paragraph("企业应建立覆盖全部产品的售后服务网络，并配备专职服务人员。")
    doc.add_heading("5.2 服务承诺", level=2)
    p = doc.add_paragraph("企业应以书面形式向顾客作出服务承诺，承诺内容包括：")
    add_text_box(p, TEXTBOX_TEXT)
    doc.add_paragraph("明确的保修期限", style="List Number")
    doc.add_paragraph("上门服务的响应时间", style="List Number")
    doc.add_paragraph("投诉处理的流程", style="List Number")
    doc.add_heading("6 评价指标", level=1)
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("指标", "满分", "要求")):
        cell.text = text
    for row in (("服务承诺", "10", "承诺内容明确并公开"), ("投诉处理", "8", "建立投诉处理制度")):
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    doc.sections[0].header.paragraphs[0].text = HEADER_TEXT
    doc.sections[0].footer.paragraphs[0].text = FOOTER_TEXT
    doc.add_section(WD_SECTION.NEW_PAGE)  # the second section shows the same header (linked)
    doc.add_heading("7 附则", level=1)
    doc.add_paragraph("本手册自发布之日起实施，由售后服务部负责解释。")
    doc.save(path)
    return path


# --------------------------------------------------------------------------- Excel

FAQ_ROWS = [
    ("问题", "答案", "相似问题", "来源"),
    ("售后服务认证证书有效期是几年？", "证书有效期为三年，有效期内每年接受一次监督审核。",
     "证书几年有效；证书多久过期", "认证机构常见问题"),
    ("售后服务认证的星级怎么划分？", "按综合得分划分：达标、三星级、四星级、五星级。",
     "星级有哪些", "GB/T 27922"),
    ("申请认证需要准备哪些材料？", "需要营业执照、售后服务管理文件和自评报告等材料。", "", ""),
]

SCORE_ROWS = [
    ("序号", "指标", "满分", "得分", "是否涉及", "备注"),
    (1, "服务承诺", 10, 9, "是", "承诺已公开"),
    (2, "投诉处理", 8, 7.5, "是", None),
    (3, "技术支持", 12, None, "否", "不涉及"),
    (None, "合计", 30, 16.5, None, None),
]


def make_xlsx(path: Path, rows: list[tuple], *, title_row: str | None = None, sheet: str = "Sheet1",
              extra_sheets: dict[str, list[tuple]] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title_row:
        ws.append([title_row])
    for row in rows:
        ws.append(list(row))
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(list(row))
    wb.save(path)
    return path


# --------------------------------------------------------------------------- CJK font, images, scans

SCAN_LINES = [  # a two-page notice: lines 0-2 on page 1, 3-5 on page 2
    "一、证书与监督",
    "售后服务认证证书有效期为三年，每年进行一次监督审核。",
    "企业综合得分达到九十分及以上可以获得四星级证书。",
    "二、投诉处理",
    "投诉处理应在二十四小时内响应并记录处理结果。",
    "服务网点应覆盖企业产品的主要销售区域。",
]
SCAN_PAGES = [SCAN_LINES[:3], SCAN_LINES[3:]]


def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs (Debian's fonts-noto-cjk preferred), found with fontconfig."""
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", ":lang=zh", "-f", "%{file}\n"], capture_output=True, text=True,
                         check=False).stdout
    files = sorted({f.strip() for f in out.splitlines() if f.strip() and os.path.exists(f.strip())})
    if not files:
        return None
    preferred = [f for f in files if "NotoSansCJK-Regular" in f] + [f for f in files if "CJK" in f]
    return (preferred or files)[0]


def require_cjk_font() -> str:
    """The font path; without one, skip with the reason (fail under CI, which installs it)."""
    font = cjk_font_path()
    if font is None:
        message = "没有中文字体（请安装 Debian 的 fonts-noto-cjk；.ci/run 和 make test 会安装）"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return font


def _font(path: str, size: int):
    from PIL import ImageFont

    if path.lower().endswith(".ttc"):
        for index in range(12):  # pick the simplified-Chinese face of a collection
            try:
                face = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if " SC" in " ".join(face.getname()):
                return face
    return ImageFont.truetype(path, size)


def text_image(lines: list[str], font_path: str, *, size: int = 30, width: int = 1240, noise: bool = False):
    """White page with black Chinese lines, like a 150-dpi scan of printed text."""
    from PIL import Image, ImageDraw

    line_height = int(size * 2.2)
    height = max(400, 120 + line_height * len(lines))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font(font_path, size)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * line_height), line, font=font, fill=(20, 20, 20))
    if noise:
        import random

        rnd = random.Random(7)
        for _ in range(width * height // 400):
            draw.point((rnd.randrange(width), rnd.randrange(height)), fill=(150, 150, 150))
    return image


def scanned_pdf_bytes(pages: list[list[str]], font_path: str) -> bytes:
    """An image-only PDF: each page is a picture of text, with no text layer at all."""
    images = [text_image(lines, font_path) for lines in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return buf.getvalue()


def text_pdf_bytes(lines: list[str]) -> bytes:
    """A PDF page with a real text layer (reportlab's built-in CID font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        pdf.drawString(72, 760 - 20 * i, line)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def merge_pdfs(*parts: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def char_accuracy(expected: str, got: str) -> float:
    """1 − (character edit distance / expected length), whitespace ignored."""
    a = "".join(expected.split())
    b = "".join(got.split())
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        previous = current
    return max(0.0, 1 - previous[-1] / max(len(a), 1))
