"""Benchmark: Word / Excel ingest throughput, OCR pages per second and peak RSS during OCR.

    python bench/formats.py [--ocr-pages 4] [--docx-sections 300] [--xlsx-rows 5000]

Every input is generated (python-docx, openpyxl, Pillow with Debian's Noto CJK font). Each phase
runs in a fresh process so its peak RSS is its own:
- docx / xlsx: load + clean + chunk (``ingest.pipeline.prepare``) and the full ingest into an
  embedded Chroma with the built-in embedder (``assistant.kb.ingest``);
- ocr: an image-only A4 PDF (about 30 lines of Chinese per page, rendered at 200 dpi) through
  ``load_document``; pages/s excludes and reports separately the one-off engine load.

Measured on the shared 2-core machine (load 9-13 from other jobs, so wall times are mostly waiting
for a core; CPU-seconds compare), 2 pages, before -> after turning off onnxruntime's spin-waiting
(``ingest.ocr.SESSION_CONFIG``): OCR 15.3 -> 11.7 CPU-s/page (108 -> 39 s/page wall), mean
confidence 0.997 both, peak RSS 823 -> 851 MB; docx 104 -> 106 chunks/CPU-s (209-213 MB);
xlsx 267 -> 266 chunks/CPU-s (272-285 MB). A smaller detection input (``det_limit_type=max``,
1280 px), 150 dpi rendering or no direction classifier did not lower CPU time or memory
measurably at this load.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SENTENCES = [
    "企业应建立覆盖全部产品的售后服务网络，并配备经过培训的专职服务人员。",
    "服务承诺应以书面形式公开，内容包括保修期限、响应时间和收费标准。",
    "投诉处理应有明确的流程和时限，处理结果应记录并反馈给顾客。",
    "企业应定期开展顾客满意度调查，并根据结果持续改进服务。",
    "配件供应应保证在产品停产后仍能满足维修需要。",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process (all threads): on a shared, busy machine wall time mostly
    measures waiting for a core, so both are reported."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_big_docx(path: Path, sections: int) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("售后服务管理手册（基准测试）", style="Title")
    for i in range(1, sections + 1):
        doc.add_heading(f"{i // 10 + 1}.{i % 10 + 1} 第{i}节 服务要求", level=2)
        for j in range(3):
            doc.add_paragraph("".join(SENTENCES[(i + j + k) % len(SENTENCES)] for k in range(2)))
        doc.add_paragraph(f"第{i}节的要点", style="List Number")
        if i % 10 == 0:
            table = doc.add_table(rows=1, cols=3)
            for cell, text in zip(table.rows[0].cells, ("指标", "满分", "要求")):
                cell.text = text
            for r in range(5):
                cells = table.add_row().cells
                cells[0].text, cells[1].text, cells[2].text = f"指标{i}-{r}", str(5 + r), SENTENCES[r]
    doc.save(path)


def make_big_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    faq = wb.create_sheet("常见问题")
    faq.append(["问题", "答案", "相似问题", "来源"])
    for i in range(rows // 2):
        faq.append([f"第{i}个问题：售后服务认证的要求{i}是什么？", SENTENCES[i % 5] + SENTENCES[(i + 1) % 5],
                    f"要求{i}有哪些；要求{i}怎么理解", "GB/T 27922"])
    table = wb.create_sheet("服务网点")
    table.append(["网点名称", "城市", "服务范围", "备注"])
    for i in range(rows - rows // 2):
        table.append([f"第{i}服务中心", f"城市{i % 300}", SENTENCES[i % 5], f"编号{i}"])
    wb.save(path)


def phase_office(kind: str, size: int) -> dict:
    from assistant.config import Settings
    from assistant.kb import ingest
    from ingest.pipeline import prepare

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench.{kind}"
        (make_big_docx if kind == "docx" else make_big_xlsx)(path, size)
        mb = path.stat().st_size / 1048576
        started = time.perf_counter()
        doc, chunks = prepare(path, path.parent)
        prepare_s = time.perf_counter() - started
        settings = Settings.from_env(environ={}, data_dir=Path(tmp) / "data", embedding_model="hashing")
        started, cpu = time.perf_counter(), cpu_seconds()
        report, _ = ingest(settings, [path], progress=False)
        ingest_s = time.perf_counter() - started
        ingest_cpu_s = cpu_seconds() - cpu
        assert report.ok, report.summary()
        return {"phase": kind, "file_mb": mb, "chars": len(doc.text), "chunks": len(chunks),
                "prepare_s": prepare_s, "ingest_s": ingest_s, "ingest_cpu_s": ingest_cpu_s,
                "chunks_per_s": report.chunks / ingest_s, "chunks_per_cpu_s": report.chunks / ingest_cpu_s,
                "mb_per_s": mb / ingest_s, "peak_rss_mb": peak_rss_mb()}


def phase_ocr(pages: int) -> dict:
    from office_files import cjk_font_path, text_image  # the test helpers that draw scans

    from ingest.loaders import load_document

    font = cjk_font_path()
    if font is None:
        return {"phase": "ocr", "error": "没有中文字体（apt-get install fonts-noto-cjk）"}
    lines = [(SENTENCES[i % 5] + SENTENCES[(i + 2) % 5])[:34] for i in range(30)]
    images = [text_image(lines, font, size=28, width=1240) for _ in range(pages)]
    import io

    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=150, save_all=True, append_images=images[1:])
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    from ingest.ocr import _engine

    _engine()
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.pdf"
        path.write_bytes(buf.getvalue())
        started, cpu = time.perf_counter(), cpu_seconds()
        doc = load_document(path, path.parent)
        seconds = time.perf_counter() - started
        cpu_s = cpu_seconds() - cpu
    confidence = sum(doc.meta["ocr_pages"].values()) / len(doc.meta["ocr_pages"])
    from ingest.ocr import SESSION_CONFIG, _threads

    return {"phase": "ocr", "pages": pages, "engine_load_s": load_s,
            "onnx_threads": _threads(), "onnx_session_config": SESSION_CONFIG, "seconds": seconds,
            "pages_per_s": pages / seconds, "s_per_page": seconds / pages, "cpu_s_per_page": cpu_s / pages,
            "chars": len(doc.text),
            "mean_confidence": confidence, "peak_rss_mb": peak_rss_mb(), "rss_before_ocr_mb": rss_before}


def run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                          cwd=REPO, check=False)
    if proc.returncode != 0:
        return {"phase": args[0], "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--docx-sections", type=int, default=300)
    parser.add_argument("--xlsx-rows", type=int, default=5000)
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        phase, size = args.child[0], int(args.child[1])
        print(json.dumps(phase_ocr(size) if phase == "ocr" else phase_office(phase, size), ensure_ascii=False))
        return
    import os

    print(f"CPU 核数：{os.cpu_count()}；开始时负载 {os.getloadavg()[0]:.1f}")
    docx = run_child(["docx", str(args.docx_sections)])
    xlsx = run_child(["xlsx", str(args.xlsx_rows)])
    ocr = run_child(["ocr", str(args.ocr_pages)])
    for r in (docx, xlsx):
        if "error" in r:
            print(f"{r['phase']}: 失败：{r['error']}")
            continue
        print(f"{r['phase']}: {r['file_mb']:.2f} MB，{r['chars']} 字，{r['chunks']} 个片段；"
              f"读取+清洗+切分 {r['prepare_s']:.2f} s；完整导入 {r['ingest_s']:.2f} s"
              f"（{r['chunks_per_s']:.0f} 片段/s，{r['mb_per_s']:.2f} MB/s；CPU 时间 {r['ingest_cpu_s']:.2f} s，"
              f"{r['chunks_per_cpu_s']:.0f} 片段/CPU 秒）；峰值内存 {r['peak_rss_mb']:.0f} MB")
    if "error" in ocr:
        print(f"ocr: 失败：{ocr['error']}")
    else:
        print(f"ocr: {ocr['pages']} 页 A4 扫描件（200 dpi 渲染，每页约 {ocr['chars'] // ocr['pages']} 字）："
              f"{ocr['pages_per_s']:.2f} 页/s（{ocr['s_per_page']:.2f} s/页，CPU 时间 {ocr['cpu_s_per_page']:.2f} s/页），"
              f"引擎加载 {ocr['engine_load_s']:.2f} s（onnxruntime {ocr['onnx_threads']} 线程，"
              f"{ocr['onnx_session_config']}），"
              f"平均置信度 {ocr['mean_confidence']:.3f}；峰值内存 {ocr['peak_rss_mb']:.0f} MB"
              f"（识别前 {ocr['rss_before_ocr_mb']:.0f} MB）")
    print(f"结束时负载 {os.getloadavg()[0]:.1f}（负载高于核数时，墙钟时间主要是在排队等 CPU）")
    print(json.dumps({"docx": docx, "xlsx": xlsx, "ocr": ocr}, ensure_ascii=False))


if __name__ == "__main__":
    main()
