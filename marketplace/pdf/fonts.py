"""The CJK font of every PDF, found in an installed package (no path of the machine), and the
page layout the documents share: bilingual headings, labelled fields and wrapped text.

The font is WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0), shipped by the
`paperang-p2-fonts-cjk` wheel: a TrueType (glyf) font, which fpdf2 embeds as a CID TrueType
subset with an Identity-H encoding and a ToUnicode map, so every PDF reader can extract and
search the text. It covers the 20,932 ideographs of CJK Unified Ideographs (U+4E00–U+9FA5,
GBK's Han characters and more), Latin, and CJK punctuation; a character it lacks is written
as its code point (`[U+20000]`), never an error. (Noto Sans SC was tried: fpdf2 embeds its CFF
outlines with a custom encoding CMap that common extractors, pypdf and pdfminer.six, misread.)
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import as_file, files

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace, TTFFont

FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_FILE = "fonts/wqy-microhei.ttc"
FAMILY = "cjk"
LINE = 6.0  # mm per line of body text
GREY = (90, 90, 90)
HEADINGS = FontFace(emphasis="", color=(60, 60, 60), fill_color=(235, 235, 235))


class Sheet(FPDF):
    """An A4 page in the CJK font, with the few building blocks the documents use."""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(title)
        self.set_creator("sme-marketplace")
        with as_file(files(FONT_PACKAGE).joinpath(FONT_FILE)) as path:
            self.add_font(FAMILY, fname=path, collection_font_number=0)
        font = self.fonts[FAMILY]
        assert isinstance(font, TTFFont)
        self._glyphs: frozenset[int] = frozenset(font.cmap)
        self.add_page()

    def printable(self, text: str) -> str:
        """The text with each character the font lacks written as its code point, `[U+20000]`,
        so that nothing a person typed silently disappears from the document."""
        if all(ord(c) in self._glyphs or c == "\n" for c in text):
            return text
        return "".join(
            c if ord(c) in self._glyphs or c == "\n" else f"[U+{ord(c):04X}]" for c in text
        )

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.title}  ·  {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def title_block(self, zh: str, en: str) -> None:
        self.set_font(FAMILY, size=18)
        self._lines(f"{zh}  {en}", 10)
        self.ln(2)

    def heading(self, zh: str, en: str) -> None:
        if self.get_y() > self.page_break_trigger - 30:  # no heading alone at a page's foot
            self.add_page()
        self.ln(3)
        self.set_font(FAMILY, size=13)
        self._lines(f"{zh}  {en}", 8)
        y = self.get_y()
        self.set_draw_color(*GREY)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(1.5)

    def fields(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Rows of `标签 Label` and value, wrapped in two columns without borders."""
        self.grid(rows, widths=(34, 66), borders="NONE", headings=False)

    def grid(
        self,
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        borders: str = "HORIZONTAL_LINES",
        headings: bool = True,
        align: Sequence[str] = (),
    ) -> None:
        """A table of text cells; `rows` of (zh, en, value) join zh and en in the first cell
        when there is one column fewer in `widths`; `align` per column (default left)."""
        self.set_font(FAMILY, size=10)
        with self.table(
            col_widths=tuple(widths),
            width=self.epw,
            borders_layout=borders,
            first_row_as_headings=headings,
            headings_style=HEADINGS,
            line_height=LINE,
            text_align=tuple(align) or "LEFT",
            wrapmode=WrapMode.CHAR,
            padding=(1, 1.5),
        ) as table:
            for row in rows:
                cells = list(row)
                if len(cells) == len(widths) + 1:
                    cells = [f"{cells[0]} {cells[1]}", *cells[2:]]
                table.row([self.printable(cell) for cell in cells])
        self.ln(1)

    def text_block(self, text: str, size: float = 10, *, words: bool = False) -> None:
        """A paragraph; `words`: English, wrapped between words (else at any character)."""
        self.set_font(FAMILY, size=size)
        self._lines(text, LINE, WrapMode.WORD if words else WrapMode.CHAR)

    def _lines(self, text: str, height: float, wrap: WrapMode = WrapMode.CHAR) -> None:
        self.multi_cell(0, height, self.printable(text), wrapmode=wrap, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)  # fmt: skip

    def bytes(self) -> bytes:
        return bytes(self.output())
