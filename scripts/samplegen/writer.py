"""Writing one file of the set: scanned pages as PNG, JPEG, TIFF or image PDF; born-digital pages as a text PDF.

Every byte written depends only on the seed and the file's position, so the same seed gives identical files.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from .degrade import degrade, scan_params
from .digital import draw_digital_page
from .page import PAGE_H, PAGE_W, PageLayout
from .plan import FilePlan
from .raster import render_page
from .truth import line_gt

FMT_EXT = {"png": "png", "jpeg": "jpg", "tiff": "tif", "pdf": "pdf"}
# Pillow would otherwise stamp image PDFs with the current time
FIXED_TIME = time.struct_time((2024, 9, 24, 8, 0, 0, 1, 268, 0))
CREATOR = "make_samples.py"  # PDF metadata of born-digital files


def _digital_page_gt() -> dict[str, Any]:
    """Page-level ground truth of a born-digital page (no scan parameters)."""
    return {
        "scanned": False,
        "text_layer": True,
        "level": "digital",
        "dpi": None,
        "dpi_metadata": False,
        "mode": None,
        "skew_deg": 0.0,
        "rotation_cw": 0,
    }


def write_file(plan: FilePlan, layouts: list[PageLayout], path: Path, seed: int, idx: int) -> list[dict[str, Any]]:
    """Render and save file number ``idx`` to ``path``; returns its page_data (one ground-truth dict per page).

    Each page draws from its own generator keyed by (seed, idx, page), so pages do not depend on one another.
    """
    f = plan.filing
    page_data: list[dict[str, Any]] = []
    images: list[Image.Image] = []
    jpeg_pages: dict[int, bytes] = {}
    for pno, layout in enumerate(layouts):
        rng = np.random.default_rng([seed, 2, idx, pno])
        base: dict[str, Any] = {"page": pno + 1}
        if pno in f.digital_pages:
            base.update(_digital_page_gt())
            page_data.append({**base, "lines": line_gt(layout), "text": layout.text()})
            continue
        rot = f.rotations[pno] if pno < len(f.rotations) else 0
        p = scan_params(rng, f.level, f.dpi, f.mode, f.fmt, rot)
        img = degrade(render_page(layout, f.dpi, rng), p, rng)
        images.append(img)
        if f.fmt == "pdf" and f.digital_pages:
            # reportlab embeds JPEG bytes as they are, so the page keeps the quality its scan level chose
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=p.jpeg_q or 80, dpi=(f.dpi, f.dpi))
            jpeg_pages[pno] = buf.getvalue()
        base.update(
            scanned=True,
            text_layer=False,
            level=f.level,
            dpi=f.dpi,
            dpi_metadata=True,
            mode={"L16": "L"}.get(f.mode, f.mode),
            rotation_cw=rot,
        )
        base.update(p.as_gt())
        base["image_px"] = list(img.size)
        page_data.append({**base, "lines": line_gt(layout), "text": layout.text()})
    dpi2 = (f.dpi, f.dpi)
    if f.digital_pages:
        c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
        c.setAuthor(plan.spec.co_quan)
        c.setTitle(plan.spec.trich_yeu)
        c.setCreator(CREATOR)
        for pno, layout in enumerate(layouts):
            if pno in f.digital_pages:
                draw_digital_page(c, layout, np.random.default_rng([seed, 3, idx, pno]))
            else:
                c.drawImage(ImageReader(io.BytesIO(jpeg_pages[pno])), 0, 0, PAGE_W, PAGE_H)
            c.showPage()
        c.save()
    elif f.fmt == "png":
        images[0].save(path, "PNG", dpi=dpi2, compress_level=6)
    elif f.fmt == "jpeg":
        q = page_data[0]["jpeg_quality"]
        images[0].save(path, "JPEG", quality=q, dpi=dpi2, subsampling=2)
    elif f.fmt == "tiff":
        comp = "group4" if f.mode == "1" else "tiff_deflate"
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:], compression=comp, dpi=dpi2)
    elif f.fmt == "pdf":
        q = min(pd["jpeg_quality"] for pd in page_data)
        images[0].save(
            path,
            "PDF",
            save_all=True,
            append_images=images[1:],
            resolution=float(f.dpi),
            quality=q,
            title=plan.spec.trich_yeu,
            creationDate=FIXED_TIME,
            modDate=FIXED_TIME,
        )
    return page_data
