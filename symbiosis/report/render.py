"""Writing the report: HTML (one self-contained page), Markdown with its two
drawings beside it, or PDF printed by headless Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from symbiosis.core.files import write_bytes, write_text
from symbiosis.core.problems import UserError, problem
from symbiosis.core.words import Lang
from symbiosis.report.data import ReportData
from symbiosis.report.map import map_svg
from symbiosis.report.messages import MESSAGES
from symbiosis.report.sankey import sankey_svg
from symbiosis.report.view import view

FORMATS: tuple[str, ...] = (".html", ".pdf", ".md")


def _environment(markdown: bool) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("symbiosis.report", "templates"),
        autoescape=not markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(data: ReportData) -> str:
    """One self-contained page: inline CSS and SVG, nothing fetched."""
    from markupsafe import Markup

    page = view(data, map_svg(data, standalone=False), sankey_svg(data, standalone=False))
    page["map_svg"] = Markup(page["map_svg"])  # built by charts.py, every text escaped there
    page["sankey_svg"] = Markup(page["sankey_svg"])
    return str(_environment(markdown=False).get_template("report.html.j2").render(**page))


def render_markdown(data: ReportData, map_file: str, sankey_file: str) -> str:
    """The report as Markdown, its two drawings as SVG files beside it."""
    page = view(data, map_file, sankey_file)
    environment = _environment(markdown=True)
    environment.filters["cell"] = _md_cell
    return str(environment.get_template("report.md.j2").render(**page))


def _md_cell(text: object) -> str:
    """Table-safe Markdown: no pipe or line break inside a cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def chromium() -> str | None:
    """The headless browser that prints the PDF, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, workdir: Path | None = None, timeout_s: float = 180.0) -> bytes:
    """Print the HTML report to PDF with headless Chromium (A4, from the CSS).

    The page is our own, script-free and offline, so the sandbox (which
    fails as root and in many containers) and networking are switched off.
    The work folder sits beside the output when given: a confined browser
    (Ubuntu's snap) cannot see the system's /tmp.
    """
    browser = chromium()
    if browser is None:
        raise UserError([problem(MESSAGES, "pdf_missing", None)])
    with tempfile.TemporaryDirectory(prefix="symbiosis-pdf-", dir=workdir) as temp:
        folder = Path(temp).resolve()  # Chromium needs an absolute file:// address
        page, pdf = folder / "report.html", folder / "report.pdf"
        page.write_text(html, "utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-first-run",
            "--disable-dev-shm-usage", f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}", page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False,
                                  env={**os.environ, "LANG": "C.UTF-8"})
        except (OSError, subprocess.TimeoutExpired) as error:
            raise UserError([problem(MESSAGES, "pdf_failed", None, detail=str(error))]) from error
        if not pdf.exists() or pdf.stat().st_size == 0:
            detail = f"code {done.returncode}"
            raise UserError([problem(MESSAGES, "pdf_failed", None, detail=detail)])
        return pdf.read_bytes()


def sidecar(out: Path, kind: str, lang: Lang) -> Path:
    """Where a Markdown report's drawing goes: `rapport-carte.svg` beside `rapport.md`."""
    words = {"map": ("carte", "map"), "sankey": ("flux", "flows")}[kind]
    return out.with_name(f"{out.stem}-{words[0] if lang == 'fr' else words[1]}.svg")


def write_report(out: Path, data: ReportData) -> list[Path]:
    """Write the report in the format its suffix names; returns the files written."""
    suffix = out.suffix.lower()
    if suffix == ".md":
        map_path, sankey_path = sidecar(out, "map", data.lang), sidecar(out, "sankey", data.lang)
        write_text(map_path, map_svg(data, standalone=True))
        write_text(sankey_path, sankey_svg(data, standalone=True))
        write_text(out, render_markdown(data, map_path.name, sankey_path.name))
        return [out, map_path, sankey_path]
    html = render_html(data)
    if suffix == ".pdf":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(out, html_to_pdf(html, workdir=out.parent))
    else:
        write_text(out, html)
    return [out]
