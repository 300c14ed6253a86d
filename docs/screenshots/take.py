"""Screenshots of the four main pages for the README: python docs/screenshots/take.py KB_DIR (the sample corpus)."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from kb import KnowledgeBase
from kb.web.server import running

HERE = Path(__file__).resolve().parent
PAGES = {"home": "/", "search": "/search?q=KV+cache+quantization+for+video", "paper": "/paper/2602.02958", "trends": "/trends"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]

with running(KnowledgeBase.open(sys.argv[1])) as url, sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_page(viewport={"width": 1000, "height": 680})
    for name, path in PAGES.items():
        page.goto(url.rstrip("/") + path)
        page.screenshot(path=str(HERE / f"{name}.png"))
    browser.close()

try:  # a 64-colour palette keeps each picture near 50 KB
    from PIL import Image

    for name in PAGES:
        Image.open(HERE / f"{name}.png").convert("RGB").quantize(colors=64).save(HERE / f"{name}.png", optimize=True)
except ImportError:
    pass
