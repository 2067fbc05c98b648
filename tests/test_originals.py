"""The way back to the original: ``/kb/original`` (assistant/web/originals.py) at handler level and
over HTTP on the real app.

A PDF opens at the cited page (a redirect to the kept file with ``#page=N``); Word, Markdown and
other formats are one safe HTML page (all text escaped, no script but the page's own) with the
cited passage highlighted. Nothing outside ``<data dir>/originals`` is ever served: ``../``,
absolute paths, encoded dots, a tampered manifest and a link planted in the folder are refused
with a Chinese page.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from assistant.web import originals
from office_files import make_docx, merge_pdfs, text_pdf_bytes

EVIL_MD = """# 维修承诺

接到报修后二十四小时内上门。<script>alert(1)</script> <img src=x onerror=alert(2)>

## 投诉处理

投诉在七个工作日内答复顾客，处理记录保存三年。
"""


def make_settings(data_dir: Path, **changes):
    from assistant.config import Settings

    return Settings.from_env(environ={}, data_dir=data_dir, embedding_model="hashing").with_(**changes)


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """A knowledge base with a two-page text PDF, a Word manual and a Markdown file with HTML in it."""
    from assistant.kb import ingest, open_store

    root = tmp_path_factory.mktemp("originals")
    src = root / "docs"
    src.mkdir()
    (src / "通知.pdf").write_bytes(merge_pdfs(
        text_pdf_bytes(["一、证书有效期"] + [f"售后服务认证证书的有效期为三年，第{i}条说明。" for i in range(1, 16)]),
        text_pdf_bytes(["二、监督审核"] + [f"获证企业每年接受一次监督审核，第{i}项要求。" for i in range(1, 16)])))
    make_docx(src / "手册.docx")
    (src / "承诺.md").write_text(EVIL_MD, encoding="utf-8")
    settings = make_settings(root / "data")
    report, _ = ingest(settings, [src], progress=False)
    assert report.ok, report.summary()
    store = open_store(settings)
    manifests = store.manifests()
    assert set(manifests) == {"通知", "手册", "承诺"}
    return settings, store, manifests


def _chunks(store, manifest):
    return store.get_chunks(manifest.chunk_ids)


def test_pdf_link_redirects_to_the_file_at_the_cited_page(kb):
    settings, store, manifests = kb
    reply = originals.serve_original(store, settings.data_dir, {"doc": "通知", "page": "2"})
    assert reply.status == 303
    assert reply.location == "/kb/original/file?doc=%E9%80%9A%E7%9F%A5#page=2"
    # no page in the link: the cited chunk's own page
    second = next(cid for cid, _, meta in _chunks(store, manifests["通知"]) if meta.get("page") == 2)
    reply = originals.serve_original(store, settings.data_dir, {"doc": "通知", "chunk": second})
    assert reply.location.endswith("#page=2")
    served = originals.serve_file(store, settings.data_dir, {"doc": "通知"})
    assert served.status == 200 and served.media_type == "application/pdf"
    assert served.body == (settings.data_dir / manifests["通知"].extra["original"]).read_bytes()
    assert served.body.startswith(b"%PDF-")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf" in served.headers["Content-Disposition"]


def test_citation_href_round_trip(kb):
    """The link a citation card carries opens the cited page."""
    settings, store, manifests = kb
    cid, _, meta = _chunks(store, manifests["通知"])[-1]
    href = originals.original_href({"source": "通知", "page": meta["page"], "chunk_id": cid})
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    reply = originals.serve_original(store, settings.data_dir, query)
    assert reply.status == 303 and reply.location.endswith(f"#page={meta['page']}")


def test_docx_page_shows_the_document_with_the_cited_passage_highlighted(kb):
    settings, store, manifests = kb
    passages = _chunks(store, manifests["手册"])
    cid, text, _ = next(p for p in passages if "服务承诺" in p[1] and "10" in p[1])  # the table row
    reply = originals.serve_original(store, settings.data_dir, {"doc": "手册", "chunk": cid})
    assert reply.status == 200 and reply.media_type.startswith("text/html")
    page = reply.text
    assert page.count('id="kba-cited"') == 1
    cited = page.split('id="kba-cited"', 1)[1].split("</mark>", 1)[0]
    assert "服务承诺" in cited and "10" in cited
    for _, other, _ in passages:  # the whole document is there, in order
        assert other.splitlines()[-1][:20] in page
    assert "scrollIntoView" in page
    nonce = reply.headers["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert page.count("<script") == 1 and f'<script nonce="{nonce}">' in page
    assert "/kb/original/file?doc=%E6%89%8B%E5%86%8C" in page  # the original .docx itself
    served = originals.serve_file(store, settings.data_dir, {"doc": "手册"})
    assert served.status == 200 and served.body.startswith(b"PK")
    assert served.headers["Content-Disposition"].startswith("attachment;")


def test_markdown_page_escapes_every_passage(kb):
    settings, store, manifests = kb
    cid = next(c for c, t, _ in _chunks(store, manifests["承诺"]) if "二十四小时" in t)
    page = originals.serve_original(store, settings.data_dir, {"doc": "承诺", "chunk": cid}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "二十四小时" in page.split('id="kba-cited"', 1)[1].split("</mark>", 1)[0]
    # the kept Markdown file is served as plain text, never as a page
    served = originals.serve_file(store, settings.data_dir, {"doc": "承诺"})
    assert served.media_type.startswith("text/markdown") and b"<script>" in served.body
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]


def test_a_section_outline_is_shown_at_its_first_part(kb):
    from assistant.pipeline.retrieval import OUTLINE_SUFFIX

    settings, store, manifests = kb
    cid = next(c for c, t, _ in _chunks(store, manifests["承诺"]) if "二十四小时" in t)
    reply = originals.serve_original(store, settings.data_dir, {"doc": "承诺", "chunk": cid + OUTLINE_SUFFIX})
    assert reply.status == 200 and "引用的片段已不在该文档中" not in reply.text
    assert "二十四小时" in reply.text.split('id="kba-cited"', 1)[1].split("</mark>", 1)[0]


def test_unknown_or_foreign_chunk_is_not_highlighted(kb):
    settings, store, manifests = kb
    foreign = manifests["手册"].chunk_ids[0]
    reply = originals.serve_original(store, settings.data_dir, {"doc": "承诺", "chunk": foreign})
    assert reply.status == 200 and 'id="kba-cited"' not in reply.text
    assert "引用的片段已不在该文档中" in reply.text


@pytest.mark.parametrize("params, status, words", [
    ({}, 400, "缺少文档"),
    ({"doc": "../../etc/passwd"}, 404, "没有文档"),
    ({"doc": "/etc/passwd"}, 404, "没有文档"),
    ({"doc": "%2e%2e/%2e%2e/etc/passwd"}, 404, "没有文档"),
    ({"doc": "..%2f..%2fetc%2fpasswd"}, 404, "没有文档"),
    ({"doc": "originals/../../secret"}, 404, "没有文档"),
    ({"doc": "不存在的文档"}, 404, "没有文档"),
    ({"doc": "通知", "page": "abc"}, 400, "页码"),
    ({"doc": "通知", "page": "0"}, 400, "页码"),
    ({"doc": "通知", "page": "-3"}, 400, "页码"),
    ({"doc": "通知\x00"}, 400, "控制字符"),
    ({"doc": "x" * 5000}, 400, "过长"),
])
def test_bad_links_get_a_chinese_page_and_nothing_else(kb, params, status, words):
    settings, store, _ = kb
    for serve in (originals.serve_original, originals.serve_file):
        if serve is originals.serve_file and "页码" in words:
            continue
        reply = serve(store, settings.data_dir, params)
        assert reply.status == status and words in reply.text, (params, reply.status, reply.text)
        assert reply.location is None and 'lang="zh-CN"' in reply.text
        assert b"root:" not in reply.body and str(settings.data_dir) not in reply.text


class _TamperedStore:
    """A store whose manifest points outside the originals folder (as a forged record would)."""

    def __init__(self, original):
        from assistant.types import Manifest

        self.manifest = Manifest("x", "", "x", "web", "", [], extra={"original": original})

    def manifests_of(self, ids):
        return {"x": self.manifest}

    def get_chunks(self, ids):
        return []


@pytest.mark.parametrize("original", [
    "originals/../../etc/passwd", "/etc/passwd", "originals/%2e%2e%2fsecret", "../data/originals/a.md",
    "originals/" + "a" * 64 + "/../x.md", "originals\\..\\secret.md",
])
def test_a_tampered_manifest_never_leaves_the_originals_folder(tmp_path, original):
    (tmp_path / "secret.md").write_text("机密", encoding="utf-8")
    for serve in (originals.serve_original, originals.serve_file):
        reply = serve(_TamperedStore(original), tmp_path / "data", {"doc": "x"})
        assert reply.status == 404 and "原文件路径无效" in reply.text and "机密" not in reply.text


def test_a_link_planted_in_the_folder_is_not_followed_out(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("机密", encoding="utf-8")
    folder = tmp_path / "data" / "originals"
    folder.mkdir(parents=True)
    name = "b" * 64 + ".md"
    os.symlink(outside, folder / name)
    reply = originals.serve_file(_TamperedStore(f"originals/{name}"), tmp_path / "data", {"doc": "x"})
    assert reply.status == 404 and "机密" not in reply.text


def test_originals_on_shared_storage(kb, tmp_path):
    """Chroma-server mode: a second instance whose ``<data dir>/originals`` is a link to the
    folder the ingesting instance wrote (README: "Originals with a Chroma server")."""
    settings, store, _ = kb
    other = tmp_path / "instance-2"
    other.mkdir()
    os.symlink(settings.data_dir / "originals", other / "originals")
    reply = originals.serve_file(store, other, {"doc": "通知"})
    assert reply.status == 200 and reply.body.startswith(b"%PDF-")
    lonely = tmp_path / "instance-3"  # an instance without the shared folder says so
    reply = originals.serve_file(store, lonely, {"doc": "通知"})
    assert reply.status == 404 and "原文件已不在数据目录中" in reply.text


def test_readme_says_how_to_share_originals():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Originals with a Chroma server.**", 1)[1][:1500]
    assert "<data dir>/originals" in section and "ln -s" in section


# --------------------------------------------------------------------------- over HTTP


def _get(url: str):
    """(status, headers, body) without following redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_routes_on_the_running_app(kb):
    from assistant.core import Assistant
    from net import launched_app

    settings, _, manifests = kb
    with launched_app(settings, Assistant(settings)) as url:
        base = url.rstrip("/")
        status, headers, _ = _get(base + originals.original_href({"source": "通知", "page": 2}))
        assert status == 303 and headers["Location"].endswith("#page=2")
        status, headers, body = _get(base + headers["Location"].split("#")[0])
        assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")
        cid = manifests["承诺"].chunk_ids[0]
        status, headers, body = _get(base + originals.original_href({"source": "承诺", "chunk_id": cid}))
        assert status == 200 and 'id="kba-cited"' in body.decode("utf-8")
        assert "<script>alert" not in body.decode("utf-8")
        for path in ("/kb/original?doc=..%2F..%2Fetc%2Fpasswd", "/kb/original?doc=%2e%2e%2f%2e%2e",
                     "/kb/original/file?doc=%2Fetc%2Fpasswd", "/kb/original/../../etc/passwd",
                     "/kb/original/file?doc=%252e%252e%252fetc"):
            status, headers, body = _get(base + path)
            assert status in (400, 404), path
            assert b"root:" not in body
        status, _, body = _get(base + "/kb/original")
        assert status == 400 and "缺少文档".encode() in body
        status, headers, body = _get(base + "/kb/original/")  # no listing of anything
        assert "通知".encode() not in body
        assert status == 404 or (status == 307 and urllib.parse.urlsplit(headers["Location"]).path == "/kb/original")
        status, _, body = _get(base + "/")  # the app itself is unchanged
        assert status == 200
