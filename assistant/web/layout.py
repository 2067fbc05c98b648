"""The web page's layout (gradio Blocks): tabs, components and which handler each event calls.

Layout only; every handler lives in a module of its tab (chat, calculator, admin, dashboard, api;
testable without a browser);
``assistant/web/server.py`` launches it.
"""

# the framework's temporary copies of uploads: swept every 10 minutes, removed after an hour
TEMP_FILES_MAX_AGE = (600, 3600)

CSS = """
.kba-badge-wrap {display:flex; flex-wrap:wrap; gap:6px; align-items:center; justify-content:flex-end}
.kba-badge {display:inline-block; padding:3px 10px; border-radius:999px; background:#ecfdf5;
  color:#065f46; border:1px solid #a7f3d0; font-size:13px}
.kba-notice {font-size:12px; color:#6b7280}
.kba-cards {display:flex; flex-direction:column; gap:10px; max-height:640px; overflow-y:auto; padding-right:4px}
.kba-card {border:1px solid #e5e7eb; border-left:4px solid #2563eb; border-radius:8px; padding:10px 12px;
  background:var(--block-background-fill)}
.kba-card.kba-tool {border-left-color:#16a34a}
.kba-card-head {font-weight:600; margin-bottom:2px}
.kba-n {color:#2563eb; margin-right:4px}
.kba-loc {font-size:12px; color:#6b7280; margin-bottom:6px}
.kba-card-text {white-space:pre-wrap; font-size:14px; line-height:1.6}
.kba-meta {font-size:11px; color:#9ca3af; margin-top:6px}
.kba-empty {color:#6b7280; font-size:14px; padding:8px}
.kba-examples {flex-wrap:wrap; gap:6px}
.kba-examples button {flex:0 0 auto}
#kba-title h1 {margin-bottom:0}
.kba-badge {cursor:help}
.kba-badge-i {margin-left:4px; opacity:.7}
.kba-kind {font-size:11px; font-weight:400; color:#6b7280; border:1px solid #e5e7eb; border-radius:4px;
  padding:0 4px; margin-left:4px}
.kba-original {font-size:12px; color:#2563eb}
.kba-group {border:1px solid #e5e7eb; border-radius:8px; padding:6px 8px}
.kba-group > summary {cursor:pointer; font-weight:600; font-size:14px; padding:2px 0 6px}
.kba-group[open] > summary {color:#1d4ed8}
.kba-group .kba-card {margin-top:8px}
.kba-actions {display:flex; gap:6px; flex-wrap:wrap; margin:2px 0 4px}
.kba-actions button {font-size:12px; padding:2px 10px; border:1px solid #d1d5db; border-radius:6px;
  background:var(--button-secondary-background-fill); cursor:pointer}
.kba-card.kba-hl {outline:3px solid #f59e0b; background:#fffbeb; transition:background .3s}
a.kba-ref {color:#2563eb; text-decoration:none; font-weight:600; cursor:pointer}
#kba-toast {position:fixed; left:50%; bottom:24px; transform:translateX(-50%); background:#111827; color:#fff;
  padding:8px 16px; border-radius:8px; font-size:14px; z-index:1000; display:none}
#kba-hint {color:#b45309; font-size:14px; min-height:0}
#kba-confirm {border:2px solid #dc2626; border-radius:8px; padding:8px}
.kba-narrow-only {display:none !important}
.kba-tcards {display:flex; flex-direction:column; gap:8px}
.kba-tcard {border:1px solid #e5e7eb; border-radius:8px; padding:8px 10px; font-size:13px; line-height:1.5;
  overflow-wrap:anywhere}
.kba-tcard-title {font-weight:600; font-size:14px; margin-bottom:4px}
.kba-tkey {color:#6b7280}
@media (max-width: 600px) {
  .kba-narrow-only {display:block !important}
  #kba-docs, #kba-hits, #kba-eval-metrics, #kba-eval-failures, #kba-eval-runs, #kba-eval-diff {display:none !important}
  #kba-chatbot {height:min(52vh, 440px) !important; max-height:52vh !important}
  #kba-chat-row {flex-direction:column !important; flex-wrap:nowrap !important}
  #kba-chat-col, #kba-cards-col {display:contents !important}
  #kba-chatbot {order:1}
  #kba-input-row {order:2; position:sticky; bottom:0; z-index:20; background:var(--background-fill-primary);
    padding:6px 0; flex-wrap:nowrap !important}
  #kba-input-row > * {min-width:0 !important}
  #kba-hint {order:3}
  #kba-cards-head {order:4}
  #kba-cards {order:5}
  #kba-examples-head {order:6}
  .kba-examples {order:7}
  #kba-clear-row {order:8}
  .kba-cards {max-height:none}
  #kba-header {flex-direction:column !important; gap:4px !important}
  #kba-title h1 {font-size:20px}
  #kba-title p {font-size:12px; margin:0}
  .kba-badge-wrap {justify-content:flex-start}
  .kba-notice {display:none}
}
"""

# Runs once when the page loads: [n] links jump to their card, the copy buttons, and a new answer
# is shown from its first line (the chat does not scroll to the end of it).
PAGE_JS = r"""
() => {
  if (window.kbaReady) return;
  window.kbaReady = true;
  const toast = (text) => {
    let t = document.getElementById('kba-toast');
    if (!t) { t = document.createElement('div'); t.id = 'kba-toast'; t.setAttribute('role', 'status');
              document.body.appendChild(t); }
    t.textContent = text; t.style.display = 'block';
    clearTimeout(window.kbaToastTimer);
    window.kbaToastTimer = setTimeout(() => { t.style.display = 'none'; }, 2500);
  };
  const copy = async (text) => {
    window.kbaLastCopy = text;
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {}
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.top = '-1000px';
    document.body.appendChild(area); area.select();
    let ok = false; try { ok = document.execCommand('copy'); } catch (e) {}
    area.remove(); return ok;
  };
  document.addEventListener('click', (ev) => {
    const ref = ev.target.closest && ev.target.closest('a.kba-ref');
    if (ref) {
      ev.preventDefault(); ev.stopPropagation();
      const id = decodeURIComponent((ref.getAttribute('href') || '').replace(/^#/, ''));
      const card = document.getElementById(id);
      if (!card) { toast('这条出处已不在引用面板中'); return; }
      const group = card.closest('details'); if (group) group.open = true;
      document.querySelectorAll('.kba-card.kba-hl').forEach((c) => c.classList.remove('kba-hl'));
      card.classList.add('kba-hl');
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      setTimeout(() => card.classList.remove('kba-hl'), 4000);
      return;
    }
    const btn = ev.target.closest && ev.target.closest('button.kba-copy');
    if (btn) {
      ev.preventDefault();
      const group = btn.closest('.kba-group');
      const kind = btn.dataset.kind === 'short' ? 'short' : 'full';
      const area = group && group.querySelector('textarea.kba-copy-' + kind);
      if (!area) return;
      copy(area.value).then((ok) => toast(ok ? (kind === 'short' ? '已复制客户回复，可直接发给客户'
                                                               : '已复制回答和出处，可直接粘贴到微信或邮件')
                                             : '复制失败，请手动选择文字复制'));
    }
  }, true);
  // the framework's own strings that its Chinese translation lacks (labels, tooltips)
  const WORDS = {
    'Copy table data': '复制表格数据', 'Copied to clipboard': '已复制', 'Dataframe': '数据表', 'Fullscreen': '全屏',
    'Exit fullscreen mode': '退出全屏', 'Exit fullscreen': '退出全屏', 'Table actions': '表格操作',
    'Open cell menu': '单元格菜单', 'Gradio footer navigation': '页脚导航', 'Reset to default value': '恢复默认值',
    'Click to upload or drop files': '点击上传或拖放文件', 'Empty value': '空', 'Textbox': '文本框',
    'chatbot conversation': '对话记录', 'Copy message': '复制消息', 'Copy conversation': '复制对话',
    'Like': '赞', 'Dislike': '踩', 'Clear': '清除', 'Remove': '移除', 'Download': '下载', 'Copy': '复制',
    'Copied': '已复制', 'Sort ascending': '升序', 'Sort descending': '降序', 'Clear sort': '取消排序',
    'Search': '搜索', 'Filter': '筛选', 'Close': '关闭', 'Loading...': '加载中……', 'Error': '错误',
    'Upload': '上传', 'Uploading...': '上传中……', 'Plot': '图表', 'Settings': '设置', 'Select': '选择',
    'common.complete': '完成', 'More tabs': '更多标签页',
  };
  const PATTERNS = [[/^number input for (.+)$/, '$1 数值'], [/^range slider for (.+)$/, '$1 滑块'],
                    [/^user's message: /, '提问：'], [/^bot's message: /, '回答：'],
                    // the progress line of a busy server: its queue place, state and timer are fixed English
                    [/^queue: (\d+)\/(\d*) \|$/, '排队中：第 $1 位，共 $2 位 |'], [/^processing \|$/, '处理中 |'],
                    [/^In queue: (\d+) of (\d+)$/, '排队中：第 $1 位，共 $2 位'],
                    [/^(\d+(?:\.\d+)?)(\/\d+(?:\.\d+)?)?s$/, '$1$2 秒'],
                    // the framework's own refusal of a file above its hard cap (ours, lower, is Chinese)
                    [/^(?:Error: )?File\(s\) exceed the maximum allowed size of ([\d.]+) ?([KMGT]?i?b): (.+)$/i,
                     '文件超过网页允许的最大大小（$1 $2），未上传：$3'],
                    [/^(?:Error: )?File size exceeded maximum allowed size of (\d+) bytes\.?$/i,
                     '文件超过网页允许的最大大小（$1 字节），未上传']];
  const say = (v) => {
    if (Object.prototype.hasOwnProperty.call(WORDS, v)) return WORDS[v];
    for (const [re, to] of PATTERNS) if (re.test(v)) return v.replace(re, to);
    return null;
  };
  const DATA = '.message-content, .kba-cards, .kba-tcards, [role=gridcell], td, textarea, input';
  const textNodes = (root) => {
    const out = [], w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (w.nextNode()) out.push(w.currentNode);
    return out;
  };
  const putInWords = (node) => {  // one text node's framework English, in Chinese
    const v = node.nodeValue.trim(), t = v && say(v);
    if (t && t !== v) node.nodeValue = node.nodeValue.replace(v, t);
  };
  const translate = () => {
    document.querySelectorAll('[title],[aria-label],[placeholder]').forEach((el) => {
      if (el.closest('.kba-badge')) return;
      for (const a of ['title', 'aria-label', 'placeholder']) {
        const v = el.getAttribute(a); const t = v && say(v.trim());
        if (t && t !== v) el.setAttribute(a, t);
      }
    });
    for (const n of textNodes(document.body)) {
      if (/[A-Za-z]/.test(n.nodeValue) && n.parentElement && !n.parentElement.closest(DATA)) putInWords(n);
    }
  };
  let pending = null;
  // the progress line changes ten times a second: its text is put into words at once, before the
  // browser paints it (an observer runs before the next frame), the rest of the page a moment later
  const PROGRESS = '.meta-text, .meta-text-center, .progress-text, .sr-only, [aria-live]';
  const now = (records) => {
    for (const r of records) {
      const nodes = r.type === 'characterData' ? [r.target] : Array.from(r.addedNodes);
      for (const n of nodes) {
        const el = n.nodeType === 3 ? n.parentElement : n;
        if (!el || !el.closest || !el.closest(PROGRESS)) continue;
        (n.nodeType === 3 ? [n] : textNodes(n)).forEach(putInWords);
      }
    }
  };
  new MutationObserver((records) => { now(records);
                                      if (!pending) pending = setTimeout(() => { pending = null; translate(); }, 60); })
    .observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true,
                             attributeFilter: ['title', 'aria-label', 'placeholder']});
  translate();
  // a new answer: show it from its first line
  const bots = () => document.querySelectorAll('#kba-chatbot .message-row.bot-row, #kba-chatbot .bot-row');
  let seen = 0, pinned = null, pinnedAt = 0;
  const scroller = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const oy = getComputedStyle(box).overflowY;
      if (oy === 'auto' || oy === 'scroll') return box;
    }
    return null;
  };
  const align = (row, page) => {
    const box = scroller(row);
    if (box) {
      const top = row.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - 8;
      box.scrollTop = Math.max(0, top);
    }
    if (page) {
      const r = row.getBoundingClientRect();
      const input = document.querySelector('#kba-input-row');
      const bottom = input ? Math.min(window.innerHeight, input.getBoundingClientRect().top) : window.innerHeight;
      if (r.top < 0 || r.top > bottom - 40) window.scrollBy(0, r.top - 80);
    }
  };
  const stopPin = () => { pinned = null; };
  ['wheel', 'touchstart', 'keydown'].forEach((e) => document.addEventListener(e, (ev) => {
    if (ev.target.closest && ev.target.closest('#kba-chatbot')) stopPin();
  }, {passive: true}));
  new MutationObserver(() => {
    const rows = bots();
    if (rows.length > seen) {
      seen = rows.length; pinned = rows.length; pinnedAt = Date.now();
      align(rows[rows.length - 1], true);
    } else {
      if (rows.length < seen) seen = rows.length;
      if (pinned && rows.length === pinned && Date.now() - pinnedAt < 60000) align(rows[rows.length - 1], false);
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""

PRIVATE = {"api_visibility": "private"}  # events not exposed as API endpoints


def chat_tab(ctx):
    """The 问答 tab: chat, example questions, 👍/👎, citation cards grouped by answer."""
    import gradio as gr

    from assistant.web import chat, render

    with gr.Tab("问答", id="chat"):
        turns = gr.State([])
        with gr.Row(elem_id="kba-chat-row"):
            with gr.Column(scale=3, elem_id="kba-chat-col"):
                chatbot = gr.Chatbot(
                    label="对话", show_label=False, height=520, buttons=[], autoscroll=False,
                    feedback_options=("Like", "Dislike"), elem_id="kba-chatbot",
                    placeholder="请输入关于售后服务认证的问题，例如申请条件、证书有效期、评分与星级。",
                )
                with gr.Row(elem_id="kba-input-row"):
                    question = gr.Textbox(placeholder="输入问题，回车发送", show_label=False, scale=5,
                                          max_lines=4, elem_id="kba-question")
                    send = gr.Button("发送", variant="primary", scale=1, min_width=64, elem_id="kba-send")
                hint = gr.Markdown("", elem_id="kba-hint")
                gr.Markdown("**示例问题**（点击直接提问）：", elem_id="kba-examples-head")
                with gr.Row(elem_classes=["kba-examples"]):
                    example_buttons = [gr.Button(q, size="sm", scale=0, min_width=0,
                                                 elem_classes=["kba-example"])
                                       for q in chat.EXAMPLE_QUESTIONS]
                with gr.Row(elem_id="kba-clear-row"):
                    clear = gr.Button("清空对话", size="sm", scale=0, min_width=120)
                    feedback = gr.Markdown("", elem_id="kba-feedback")
            with gr.Column(scale=2, elem_id="kba-cards-col"):
                gr.Markdown("### 引用原文（点击回答中的编号跳到对应卡片）", elem_id="kba-cards-head")
                cards = gr.HTML(render.EMPTY_CARDS, elem_id="kba-cards")

        chat_outputs = [chatbot, cards, turns, question, hint]

        def respond(message, state):
            if not (message or "").strip():  # an empty send: a hint, nothing else changes
                yield gr.update(), gr.update(), state, "", chat.EMPTY_HINT
                return
            for out in chat.chat_stream(ctx, message, state):
                yield (*out, "")

        def make_example(text):
            def ask_example(state):
                for out in chat.chat_stream(ctx, text, state):
                    yield (*out, "")
            return ask_example

        question.submit(respond, [question, turns], chat_outputs, **PRIVATE)
        send.click(respond, [question, turns], chat_outputs, **PRIVATE)
        for button, text in zip(example_buttons, chat.EXAMPLE_QUESTIONS):
            button.click(make_example(text), [turns], chat_outputs, **PRIVATE)
        clear.click(lambda: ([], render.EMPTY_CARDS, [], "", "", ""), None,
                    [chatbot, cards, turns, question, feedback, hint], queue=False, **PRIVATE)
        chatbot.clear(lambda: (render.EMPTY_CARDS, [], ""), None, [cards, turns, feedback], queue=False,
                      **PRIVATE)

        def on_like(state, data: gr.LikeData):
            return chat.record_feedback(ctx, state, data.index, data.liked)

        chatbot.like(on_like, [turns], [feedback], **PRIVATE)

        from assistant.web import maintain  # 为什么这样回答: the last answer's trace

        with gr.Accordion("为什么这样回答", open=False, elem_id="kba-why"):
            why = gr.Markdown(maintain.trace_markdown([]), elem_id="kba-why-text")
        turns.change(maintain.trace_markdown, [turns], [why], queue=False, **PRIVATE)


def calculator_tab(ctx):
    """The 评分计算器 tab: three ways to enter a score, the grade and its chart."""
    import gradio as gr

    from assistant.domain.grades import RULE
    from assistant.web import calculator

    with gr.Tab("评分计算器", id="score"):
        gr.Markdown(
            f"按 GB/T 27922 规则计算：{RULE.replace('<', ' < ').replace('≤', ' ≤ ')}。"
            "特别扣分项每个扣 1 分；特别加分项最多计 1 个（加 1 分）。"
        )
        mode = gr.Radio([("百分制总分", "total"), ("实际得分 + 涉及项分值", "earned"), ("评分表逐项", "sheet"),
                         ("上传评分表文件", "file")],
                        value="total", label="计算方式", elem_id="kba-score-mode")
        with gr.Column(visible=True) as total_box:
            total = gr.Number(label="百分制总分（0–100，特别扣分/加分之前）", value=None, elem_id="kba-total")
        with gr.Column(visible=False) as earned_box:
            with gr.Row():
                earned = gr.Number(label="实际得分（删减后各涉及项得分之和）", value=None)
                applicable = gr.Number(label="涉及项分值（未删减指标的分值之和）", value=None)
        with gr.Column(visible=False) as sheet_box:
            gr.Markdown(
                "填写认证机构评分表中的「满分」和「得分」（或「抽样数」「不符合数」，按不符合比例扣分）；"
                "勾选「删减」表示该项不适用，不计入涉及项分值。\n\n"
                "**满分为空的行视为未填写，不参与计算**；只填了得分而没填满分会提示是哪一行。"
                "本工具不内置官方分值，请以认证机构的评分表为准。"
            )
            sheet = gr.Dataframe(
                value=calculator.default_sheet(), headers=list(calculator.SHEET_COLUMNS), datatype=list(calculator.SHEET_DATATYPES),
                type="array", interactive=True, row_count=15, elem_id="kba-sheet",
            )
            with gr.Row():
                sheet_clear = gr.Button("清空表格", size="sm")
        with gr.Column(visible=False) as file_box:
            gr.Markdown(
                "上传认证机构的评分表（Excel .xlsx 或 CSV，不超过 5 MB）：表头需含「指标/项目」和「满分/分值」，"
                "以及「得分/实得」（或「抽样数」「不符合数」）；「是否涉及/删减」标明不适用的项。"
                "与命令行 `python -m assistant score --sheet` 按同样的规则逐行检查和计算。"
            )
            # no file_types: a wrong type gets our Chinese message, not the framework's English one
            sheet_file = gr.File(label="评分表文件（.xlsx / .csv）", file_count="single", elem_id="kba-sheet-file")
        with gr.Row():
            special = gr.Number(label="特别扣分项（个）", value=0, precision=0, minimum=0)
            bonus = gr.Number(label="特别加分项（个，最多计 1 个）", value=0, precision=0, minimum=0)
        calc = gr.Button("计算等级", variant="primary", elem_id="kba-calc")
        score_md = gr.Markdown("", elem_id="kba-score-result")
        chart = gr.Plot(label="得分与等级门槛", elem_id="kba-score-chart")
        with gr.Accordion("详细结果（JSON）", open=False):
            score_json = gr.JSON()

        # another way of entering the score: the old result no longer applies
        mode.change(lambda m: (gr.update(visible=m == "total"), gr.update(visible=m == "earned"),
                               gr.update(visible=m == "sheet"), gr.update(visible=m == "file"), "", None, None),
                    [mode], [total_box, earned_box, sheet_box, file_box, score_md, score_json, chart], queue=False,
                    **PRIVATE)
        sheet_clear.click(calculator.default_sheet, None, [sheet], queue=False, **PRIVATE)
        calc.click(lambda m, t, e, a, s, sd, b, f: calculator.calculate_score(m, t, e, a, s, sd, b, sheet_file=f),
                   [mode, total, earned, applicable, sheet, special, bonus, sheet_file],
                   [score_md, score_json, chart], **PRIVATE)


def kb_tab(ctx):
    """The 知识库 tab: upload, delete, rebuild; returns what the page load refreshes."""
    import gradio as gr

    from assistant.present import DOC_TYPE_WORDS
    from assistant.web import admin

    with gr.Tab("知识库", id="kb"):
        if ctx.settings.admin_password:
            password = gr.Textbox(label="管理员密码（上传、删除、重建需要）", type="password",
                                  elem_id="kba-password")
        else:
            password = gr.Textbox(visible=False, value="")
            gr.Markdown("未设置管理员密码（环境变量 KBA_ADMIN_PASSWORD）：只在本机地址上允许这样运行，"
                        "能打开本页的人都可以管理知识库。")
        with gr.Row():
            with gr.Column(scale=3):
                # no file_types: the framework would refuse other types with an English message;
                # our own check (ingest.uploads.upload_rejection) says why in Chinese
                files = gr.File(label=admin.upload_label(ctx.settings), file_count="multiple",
                                elem_id="kba-files")
            with gr.Column(scale=2):
                replace_mode = gr.Radio(
                    [("保留两份（同名文件自动加后缀）", "keep"), ("替换同名的已上传文档（先预览）", "replace")],
                    value="keep", label="同名文件", elem_id="kba-replace-mode")
                upload = gr.Button("上传并导入", variant="primary", elem_id="kba-upload")
                plan_key = gr.State(None)
                with gr.Row():
                    doc_choice = gr.Dropdown(label="选择文档", choices=[], allow_custom_value=True,
                                             elem_id="kba-doc-choice")
                with gr.Row():
                    delete = gr.Button("删除所选文档", variant="stop", size="sm")
                    rebuild = gr.Button("重建知识库（corpus/ + 上传文件）", size="sm")
                    reload_docs = gr.Button("刷新列表", size="sm")
                # delete and rebuild are asked for again (with the password when one is set) before they run
                with gr.Group(visible=False, elem_id="kba-confirm") as confirm_box:
                    confirm_md = gr.Markdown("", elem_id="kba-confirm-text")
                    confirm_pw = gr.Textbox(label="管理员密码（确认操作）", type="password", elem_id="kba-confirm-password",
                                            visible=bool(ctx.settings.admin_password))
                    with gr.Row():
                        confirm_yes = gr.Button("确认执行", variant="stop", size="sm", elem_id="kba-confirm-yes")
                        confirm_no = gr.Button("取消", size="sm", elem_id="kba-confirm-no")
        kb_status = gr.Textbox(label="状态", interactive=False, lines=2, elem_id="kba-kb-status")
        docs = gr.Dataframe(headers=list(admin.DOC_COLUMNS),
                            datatype=["str", "str", "str", "str", "number", "str", "str"],
                            interactive=False, wrap=True, elem_id="kba-docs", max_height=520)
        phone_cards(docs, admin.DOC_COLUMNS, 1, "知识库中还没有文档。")

        def with_choices(message, rows):
            ids = [r[0] for r in rows]
            shown = [[r[0], r[1], DOC_TYPE_WORDS.get(r[2], r[2]), *r[3:]] for r in rows]  # type in words
            return message, shown, gr.update(choices=ids, value=None)

        def on_upload(fs, pw, how, shown_key, progress=gr.Progress()):
            replace = how == "replace"
            message, rows = admin.upload_documents(ctx, fs, pw, progress=progress, replace=replace,
                                               confirmed=shown_key)
            if message.startswith("将按以下方式导入（尚未执行）"):  # a plan shown, files kept for the confirmation
                return with_choices(message, rows) + (gr.update(), admin.upload_plan_key(ctx.settings, fs))
            return with_choices(message, rows) + (None, None)

        def on_delete(doc_id, pw):
            return with_choices(*admin.delete_document(ctx, doc_id, pw))

        def on_rebuild(pw, progress=gr.Progress()):
            return with_choices(*admin.rebuild_knowledge_base(ctx, pw, progress=progress))

        def on_list():
            return with_choices(*admin.list_documents_handler(ctx))

        kb_outputs = [kb_status, docs, doc_choice]
        pending = gr.State(None)

        def ask_delete(doc_id):
            if not doc_id:
                return gr.update(visible=False), "", None, "请先在表格或下拉框中选择要删除的文档。"
            title = next((r[1] for r in admin.document_rows(ctx.settings) if r[0] == doc_id), "")
            name = f"《{title}》（{doc_id}）" if title else f"「{doc_id}」"
            return (gr.update(visible=True), f"**确认删除文档 {name}？** 删除后不能恢复，需要时可重新上传。",
                    ("delete", doc_id), gr.update())

        def ask_rebuild():
            return (gr.update(visible=True), "**确认重建知识库？** 将按 corpus/ 和已上传的文件重新导入全部文档，"
                    "文档较多时需要几分钟。", ("rebuild", None), gr.update())

        def on_confirm(what, pw_confirm, pw, progress=gr.Progress()):
            hide = (gr.update(visible=False), None, "")
            pw = pw_confirm or pw
            if not what:
                return (gr.update(), gr.update(), gr.update()) + hide
            if what[0] == "delete":
                return on_delete(what[1], pw) + hide
            return on_rebuild(pw, progress=progress) + hide

        confirm_outputs = [confirm_box, confirm_md, pending, kb_status]
        upload.click(on_upload, [files, password, replace_mode, plan_key], kb_outputs + [files, plan_key],
                     concurrency_limit=1,
                     concurrency_id="kb-write", **PRIVATE)
        delete.click(ask_delete, [doc_choice], confirm_outputs, queue=False, **PRIVATE)
        rebuild.click(ask_rebuild, None, confirm_outputs, queue=False, **PRIVATE)
        confirm_yes.click(on_confirm, [pending, confirm_pw, password],
                          kb_outputs + [confirm_box, pending, confirm_pw], concurrency_limit=1,
                          concurrency_id="kb-write", **PRIVATE)
        confirm_no.click(lambda: (gr.update(visible=False), None, "", "已取消。"), None,
                         [confirm_box, pending, confirm_pw, kb_status], queue=False, **PRIVATE)
        reload_docs.click(on_list, None, kb_outputs, **PRIVATE)
        def pick_doc(evt: gr.SelectData):
            row = evt.row_value or []
            return gr.update(value=row[0]) if row else gr.update()

        docs.select(pick_doc, None, [doc_choice], queue=False, **PRIVATE)
    return on_list, kb_outputs


def retrieval_tab(ctx):
    """The 检索测试 tab: the fused ranking with each signal's score."""
    import gradio as gr

    from assistant.present import DOC_TYPE_WORDS
    from assistant.web import dashboard
    from ingest.model import DOC_TYPES

    with gr.Tab("检索测试", id="retrieval"):
        with gr.Row():
            query = gr.Textbox(label="检索语句", scale=4, elem_id="kba-query")
            top_k = gr.Slider(1, 20, value=5, step=1, label="top-k", scale=1)
            doc_type = gr.Dropdown([(dashboard.DOC_TYPE_ALL, dashboard.DOC_TYPE_ALL),
                                    *[(DOC_TYPE_WORDS.get(t, t), t) for t in DOC_TYPES]], value=dashboard.DOC_TYPE_ALL,
                                   label="文档类型", scale=1)
        search = gr.Button("检索", variant="primary", elem_id="kba-search")
        search_status = gr.Textbox(label="状态", interactive=False, lines=1)
        hits = gr.Dataframe(headers=list(dashboard.HIT_COLUMNS),
                            datatype=["number", "number", "number", "number", "str", "str", "str", "str", "str"],
                            interactive=False, wrap=True, elem_id="kba-hits", max_height=640,
                            column_widths=["5%", "7%", "8%", "7%", "12%", "10%", "11%", "6%", "34%"])
        phone_cards(hits, dashboard.HIT_COLUMNS, 4, "检索结果会显示在这里。")
        def on_search(q, k, t):
            message, rows = dashboard.retrieval_rows(ctx, q, k, t)
            return message, [[*r[:7], DOC_TYPE_WORDS.get(r[7], r[7]), *r[8:]] for r in rows]  # type in words

        search.click(on_search, [query, top_k, doc_type], [search_status, hits], **PRIVATE)
        query.submit(on_search, [query, top_k, doc_type], [search_status, hits], **PRIVATE)


def phone_cards(table, columns, title_col: int, empty: str) -> None:
    """Under a table, the same rows as one card per row (id: the table's + "-cards"), shown only
    on a narrow screen, where the table itself is hidden (see CSS: its columns would be one
    character wide)."""
    import gradio as gr

    from assistant.web import render

    cards = gr.HTML("", elem_id=f"{table.elem_id}-cards", elem_classes=["kba-narrow-only"])
    table.change(lambda rows: render.table_cards(columns, rows, title_col=title_col, empty=empty),
                 [table], [cards], queue=False, **PRIVATE)


def eval_tab(ctx):
    """The 评测 tab: choose the QA set and the documents, run, failures with the missing key
    points and the reference answer, the history of runs with the diff, the report download."""
    import gradio as gr

    from assistant.web import dashboard

    with gr.Tab("评测", id="eval"):
        gr.Markdown("选择问答集（内置问答集，或上传专家问答表 .xlsx 或 .csv：问题、参考答案、要点、应拒答）"
                    "和文档（当前知识库，或上传文档 / 服务器上的文件夹：临时新建知识库，不动现有知识库）。"
                    "每次运行都会保存，并与同一问答集的上一次运行对比。")
        if ctx.settings.admin_password:
            eval_password = gr.Textbox(label="管理员密码（评测可能导入 corpus/，需要密码）",
                                       type="password", elem_id="kba-eval-password")
        else:
            eval_password = gr.Textbox(visible=False, value="")
        choices = dashboard.qa_choices()
        with gr.Row():
            with gr.Column(scale=1):
                qa_set = gr.Dropdown(choices, value=choices[0][1], label="问答集", elem_id="kba-qa-set")
                qa_file = gr.File(label="上传问答表（.xlsx / .csv / .jsonl）", file_types=[".xlsx", ".csv", ".jsonl"],
                                  elem_id="kba-qa-file")
            with gr.Column(scale=1):
                docs_mode = gr.Radio([(label, value) for label, value in dashboard.DOCS_CHOICES],
                                     value=dashboard.DOCS_CURRENT, label="文档", elem_id="kba-docs-mode")
                docs_files = gr.File(label="上传文档（临时知识库）", file_count="multiple", elem_id="kba-eval-docs")
                docs_folder = gr.Textbox(label="服务器上的文档文件夹（临时知识库）", elem_id="kba-eval-folder")
        with gr.Row():
            with_baseline = gr.Checkbox(label="同时评测基线", value=False)
            run_eval = gr.Button("运行评测", variant="primary", elem_id="kba-run-eval")
            show_history = gr.Button("查看历史", elem_id="kba-eval-history-btn")
        eval_status = gr.Textbox(label="状态", interactive=False, lines=3, elem_id="kba-eval-status")
        with gr.Row():
            with gr.Column(scale=2):
                metrics = gr.Dataframe(headers=list(dashboard.EVAL_METRIC_COLUMNS), interactive=False,
                                       elem_id="kba-eval-metrics")
                phone_cards(metrics, dashboard.EVAL_METRIC_COLUMNS, 0, "运行评测后显示各项指标。")
            cat_chart = gr.Plot(label="各类别正确率", scale=3)
        failures = gr.Dataframe(headers=list(dashboard.RUN_FAILURE_COLUMNS), interactive=False, wrap=True,
                                label="未通过的题目（缺少的要点、参考答案）", max_height=480,
                                elem_id="kba-eval-failures")
        phone_cards(failures, dashboard.RUN_FAILURE_COLUMNS, 2, "没有未通过的题目。")
        with gr.Row():
            with gr.Column(scale=3):
                history = gr.Dataframe(headers=list(dashboard.HISTORY_COLUMNS), interactive=False, wrap=True,
                                       label="历次运行（最新在前；修复/新错相对上一次）", elem_id="kba-eval-runs")
                phone_cards(history, dashboard.HISTORY_COLUMNS, 0, "还没有运行记录。")
            with gr.Column(scale=2):
                diff = gr.Dataframe(headers=list(dashboard.DIFF_COLUMNS), interactive=False, wrap=True,
                                    label="与上一次相比", elem_id="kba-eval-diff", max_height=400)
                phone_cards(diff, dashboard.DIFF_COLUMNS, 2, "与上一次相比的变化会显示在这里。")
        last_run = gr.State(None)
        with gr.Row():
            report_format = gr.Radio([("Excel（.xlsx）", ".xlsx"), ("Markdown（.md）", ".md")], value=".xlsx",
                                     label="报告格式", scale=1)
            export = gr.Button("导出报告", elem_id="kba-eval-export", scale=1)
            report_file = gr.File(label="报告下载", interactive=False, elem_id="kba-eval-report", scale=2)

        def on_eval(qa, qa_up, mode, doc_up, folder, b, pw, progress=gr.Progress()):
            return dashboard.run_eval_tab(ctx, qa, qa_up, mode, doc_up, folder, b, pw, progress=progress)

        def on_history(qa, qa_up, pw):
            return dashboard.eval_history(ctx, qa, qa_up, pw)

        run_eval.click(on_eval, [qa_set, qa_file, docs_mode, docs_files, docs_folder, with_baseline, eval_password],
                       [eval_status, metrics, cat_chart, failures, history, diff, last_run],
                       concurrency_limit=1, **PRIVATE)
        show_history.click(on_history, [qa_set, qa_file, eval_password], [eval_status, history, diff, last_run],
                           **PRIVATE)
        export.click(lambda run, fmt, pw: dashboard.eval_export(ctx, run, fmt, pw), [last_run, report_format, eval_password],
                     [eval_status, report_file], **PRIVATE)


# the two maintenance lists: intro, show-more toggle, table id, (choice label, id), (action, id, variant)
_LISTS = {
    "u": ("助手拒答的问题和用户点了 👎 的回答，按问法相似度分组，出现次数多的在前。"
          "选一组，点“转为标准回答草稿”，写好答案后保存，这组问法以后都会得到这条标准回答。",
          "包括已解决的", "kba-u-groups", ("选择一组", "kba-u-choice"), ("转为标准回答草稿", "kba-u-draft", "primary")),
    "c": ("问题或相似问题与用户提问足够相似时，照录这里的答案并注明依据和版本。"
          "每次修改生成新版本，旧版本保留；停用后不再使用，可恢复。",
          "显示已停用的", "kba-c-list", ("选择标准回答", "kba-c-choice"), ("载入到表单", "kba-c-load", "secondary")),
}


def _list_panel(prefix: str, columns):
    """A maintenance list: intro, refresh, a show-more toggle, export, status line, table,
    download, and a row choosing one entry with its action button."""
    import gradio as gr

    intro, toggle_label, table_id, choice, action = _LISTS[prefix]

    gr.Markdown(intro)
    with gr.Row():
        refresh = gr.Button("刷新", size="sm", elem_id=f"kba-{prefix}-refresh")
        toggle = gr.Checkbox(label=toggle_label, value=False)
        export = gr.Button("导出 .xlsx", size="sm", elem_id=f"kba-{prefix}-export")
    status = gr.Textbox(label="状态", interactive=False, lines=2, elem_id=f"kba-{prefix}-status")
    rows = gr.Dataframe(headers=list(columns), interactive=False, wrap=True, max_height=420, elem_id=table_id)
    download = gr.File(label="导出的文件", interactive=False, elem_id=f"kba-{prefix}-file")
    with gr.Row():
        picked = gr.Dropdown(label=choice[0], choices=[], elem_id=choice[1], scale=3)
        act = gr.Button(action[0], variant=action[2], elem_id=action[1], scale=1)
    return refresh, toggle, export, status, rows, download, picked, act


def _answer_form(prefix: str, answer_label: str):
    """The fields of one curated answer (问题, 答案, 相似问题, 依据, 生效日期, 负责人)."""
    import gradio as gr

    with gr.Group():
        question = gr.Textbox(label="问题", elem_id=f"kba-{prefix}-question")
        answer = gr.Textbox(label=answer_label, lines=4, elem_id=f"kba-{prefix}-answer")
        variants = gr.Textbox(label="相似问题（每行一个）", lines=3, elem_id=f"kba-{prefix}-variants")
        basis = gr.Textbox(label="依据/条款", elem_id=f"kba-{prefix}-basis")
        with gr.Row():
            date = gr.Textbox(label="生效日期（可空，如 2025-01-31）")
            owner = gr.Textbox(label="负责人（可空）")
    return question, answer, variants, basis, date, owner


def maintain_tab(ctx):
    """The 维护 tab (admin): curated answers, the vocabulary, the unanswered questions."""
    import gradio as gr

    from assistant.web import maintain

    with gr.Tab("维护", id="maintain"):
        if ctx.settings.admin_password:
            password = gr.Textbox(label="管理员密码（查看和修改都需要）", type="password", elem_id="kba-m-password")
        else:
            password = gr.Textbox(visible=False, value="")
            gr.Markdown("未设置管理员密码：只在本机地址上允许这样运行。所有改动保存在知识库中，下一个问题起生效，无需重启。")
        with gr.Tabs():
            with gr.Tab("未回答的问题", id="m-unanswered"):
                u_refresh, u_resolved, u_export, u_status, u_rows, u_file, u_choice, u_draft = _list_panel(
                    "u", maintain.GROUP_COLUMNS)
                draft_state = gr.State(None)
                d_question, d_answer, d_variants, d_basis, d_date, d_owner = _answer_form("d", "答案（照录给用户）")
                d_hint = gr.Markdown("")
                d_save = gr.Button("保存为标准回答", variant="primary", elem_id="kba-d-save")

            with gr.Tab("标准回答", id="m-curated"):
                c_refresh, c_retired, c_export, c_status, c_rows, c_file_out, c_choice, c_load = _list_panel(
                    "c", maintain.CURATED_COLUMNS)
                c_question, c_answer, c_variants, c_basis, c_date, c_owner = _answer_form("c", "答案")
                with gr.Row():
                    c_new = gr.Button("新建", variant="primary", elem_id="kba-c-new")
                    c_edit = gr.Button("保存为新版本", elem_id="kba-c-edit")
                    c_retire = gr.Button("停用", variant="stop", elem_id="kba-c-retire")
                    c_restore = gr.Button("恢复", elem_id="kba-c-restore")
                c_versions = gr.Dataframe(headers=list(maintain.VERSION_COLUMNS), interactive=False, wrap=True,
                                          label="版本历史（最新在前）", elem_id="kba-c-versions", max_height=320)
                with gr.Row():
                    c_upload = gr.File(label="导入表格（.xlsx / .csv：问题、答案、相似问题、依据/条款、生效日期、负责人）",
                                       file_types=[".xlsx", ".csv"], elem_id="kba-c-file", scale=3)
                    c_import = gr.Button("导入", scale=1, elem_id="kba-c-import")

            with gr.Tab("词表", id="m-vocab"):
                gr.Markdown("领域词典决定分词（如“售后服务认证”作为一个词）；同义词组把用户的说法归到标准词"
                            "（第一个词是标准词）。改动下一个问题起生效；涉及已导入文档中的词时会提示重新索引。")
                with gr.Row():
                    v_word = gr.Textbox(label="词典词", elem_id="kba-v-word", scale=3)
                    v_add_word = gr.Button("添加", size="sm", scale=1, elem_id="kba-v-add-word")
                    v_remove_word = gr.Button("删除", size="sm", scale=1)
                with gr.Row():
                    v_syn = gr.Textbox(label="同义词组（标准词在前，用空格分开，如：有效期 保质期 期限）",
                                       elem_id="kba-v-syn", scale=3)
                    v_add_syn = gr.Button("添加", size="sm", scale=1, elem_id="kba-v-add-syn")
                    v_remove_syn = gr.Button("删除（只写标准词则删整组）", size="sm", scale=1)
                with gr.Row():
                    v_refresh = gr.Button("刷新", size="sm", elem_id="kba-v-refresh")
                    v_reindex = gr.Button("重新索引", size="sm", elem_id="kba-v-reindex")
                v_status = gr.Textbox(label="状态", interactive=False, lines=3, elem_id="kba-v-status")
                with gr.Row():
                    v_words = gr.Dataframe(headers=list(maintain.WORD_COLUMNS), interactive=False, max_height=420,
                                           elem_id="kba-v-words", scale=1)
                    v_groups = gr.Dataframe(headers=list(maintain.SYNONYM_COLUMNS), interactive=False, wrap=True,
                                            max_height=420, elem_id="kba-v-groups", scale=2)

        def with_choices(message, rows, choices):
            return message, rows, gr.update(choices=choices, value=None)

        # unanswered
        def on_u_list(pw, resolved):
            return with_choices(*maintain.unanswered_rows(ctx, pw, resolved))

        def on_u_draft(pw, gid):
            return maintain.unanswered_draft(ctx, pw, gid)

        def on_u_save(pw, draft, q, a, v, b, d, o):
            message, state, rows, choices = maintain.unanswered_adopt(ctx, pw, draft, q, a, v, b, d, o)
            keep = gr.update() if state is not None else ""
            return (message, state, rows, gr.update(choices=choices, value=None),
                    keep, keep, keep, keep, keep, keep)

        u_outputs = [u_status, u_rows, u_choice]
        u_refresh.click(on_u_list, [password, u_resolved], u_outputs, **PRIVATE)
        u_resolved.change(on_u_list, [password, u_resolved], u_outputs, **PRIVATE)
        u_export.click(lambda pw, r: maintain.unanswered_export(ctx, pw, r), [password, u_resolved],
                       [u_status, u_file], **PRIVATE)
        u_draft.click(on_u_draft, [password, u_choice],
                      [u_status, draft_state, d_question, d_answer, d_variants, d_basis, d_hint], **PRIVATE)
        d_save.click(on_u_save, [password, draft_state, d_question, d_answer, d_variants, d_basis, d_date, d_owner],
                     [u_status, draft_state, u_rows, u_choice, d_question, d_answer, d_variants, d_basis, d_date,
                      d_owner], concurrency_limit=1, concurrency_id="kb-write", **PRIVATE)

        # curated answers
        def on_c_list(pw, retired):
            return with_choices(*maintain.curated_rows(ctx, pw, retired))

        def after_write(result):
            message, rows, choices, aid, versions = result
            return message, rows, gr.update(choices=choices, value=aid or None), versions

        c_outputs = [c_status, c_rows, c_choice, c_versions]
        form = [c_question, c_answer, c_variants, c_basis, c_date, c_owner]
        c_refresh.click(on_c_list, [password, c_retired], [c_status, c_rows, c_choice], **PRIVATE)
        c_retired.change(on_c_list, [password, c_retired], [c_status, c_rows, c_choice], **PRIVATE)
        c_load.click(lambda aid, pw: maintain.curated_form(ctx, aid, pw), [c_choice, password],
                     [c_status, *form, c_versions], **PRIVATE)
        c_new.click(lambda pw, r, *f: after_write(maintain.curated_save(ctx, pw, "", *f, new=True, include_retired=r)),
                    [password, c_retired, *form], c_outputs, concurrency_limit=1, concurrency_id="kb-write",
                    **PRIVATE)
        c_edit.click(lambda pw, r, aid, *f: after_write(maintain.curated_save(ctx, pw, aid, *f, include_retired=r)),
                     [password, c_retired, c_choice, *form], c_outputs, concurrency_limit=1,
                     concurrency_id="kb-write", **PRIVATE)
        c_retire.click(lambda pw, r, aid: after_write(maintain.curated_retire(ctx, pw, aid, include_retired=r)),
                       [password, c_retired, c_choice], c_outputs, concurrency_limit=1, concurrency_id="kb-write",
                       **PRIVATE)
        c_restore.click(lambda pw, r, aid: after_write(maintain.curated_retire(ctx, pw, aid, restore=True,
                                                                                include_retired=True)),
                        [password, c_retired, c_choice], c_outputs, concurrency_limit=1, concurrency_id="kb-write",
                        **PRIVATE)
        c_import.click(lambda pw, f, r: with_choices(*maintain.curated_import(ctx, pw, f, r)),
                       [password, c_upload, c_retired], [c_status, c_rows, c_choice], concurrency_limit=1,
                       concurrency_id="kb-write", **PRIVATE)
        c_export.click(lambda pw: maintain.curated_export(ctx, pw), [password], [c_status, c_file_out], **PRIVATE)

        # vocabulary
        v_outputs = [v_status, v_words, v_groups]

        def vocab_action(action):
            return lambda pw, text: maintain.vocab_edit(ctx, pw, action, text)

        v_refresh.click(lambda pw: maintain.vocab_tables(ctx, pw), [password], v_outputs, **PRIVATE)
        v_add_word.click(vocab_action("add_word"), [password, v_word], v_outputs, concurrency_limit=1,
                         concurrency_id="kb-write", **PRIVATE)
        v_remove_word.click(vocab_action("remove_word"), [password, v_word], v_outputs, concurrency_limit=1,
                            concurrency_id="kb-write", **PRIVATE)
        v_add_syn.click(vocab_action("add_synonyms"), [password, v_syn], v_outputs, concurrency_limit=1,
                        concurrency_id="kb-write", **PRIVATE)
        v_remove_syn.click(vocab_action("remove_synonyms"), [password, v_syn], v_outputs, concurrency_limit=1,
                           concurrency_id="kb-write", **PRIVATE)

        def on_reindex(pw, progress=gr.Progress()):
            return maintain.vocab_reindex(ctx, pw, progress=progress)

        v_reindex.click(on_reindex, [password], v_outputs, concurrency_limit=1, concurrency_id="kb-write",
                        **PRIVATE)

        def on_load(pw):
            if ctx.settings.admin_password:  # nothing is shown before the password is given
                return (gr.update(),) * 9
            u = on_u_list(pw, False)
            c = on_c_list(pw, False)
            v = maintain.vocab_tables(ctx, pw)
            return (*u, *c, *v)

    return on_load, [password], [u_status, u_rows, u_choice, c_status, c_rows, c_choice, v_status, v_words, v_groups]


def api_endpoints(ctx):
    """The named API (``/ask``, ``/score``): the same handlers as the tabs, as plain functions."""
    import gradio as gr

    from assistant.web import api

    def ask(question: str, history: str | list | None = None) -> dict:
        """提问：question，可选 history（[{"role","content"}] 列表或其 JSON 字符串）。"""
        return api.api_ask(ctx, question, history)

    def score(total: float | None = None, earned: float | None = None,
              applicable_total: float | None = None, special_deductions: int = 0,
              bonus: int = 0) -> dict:
        """评分：total，或 earned + applicable_total；特别扣分项个数、特别加分项个数。"""
        return api.api_score(total, earned, applicable_total, special_deductions, bonus)

    gr.api(ask, api_name="ask")
    gr.api(score, api_name="score")


def build_ui(ctx):
    """The Blocks layout: the title with the mode badge, one function per tab, the API."""
    import gradio as gr

    from assistant.web import render

    with gr.Blocks(title="售后服务认证知识库助手", analytics_enabled=False,
                   delete_cache=TEMP_FILES_MAX_AGE) as demo:
        with gr.Row(equal_height=True, elem_id="kba-header"):
            gr.Markdown("# 售后服务认证知识库助手\nGB/T 27922-2011《商品售后服务评价体系》· 回答附原文引用",
                        elem_id="kba-title")
            gr.HTML(render.mode_badge(ctx.assistant), elem_id="kba-mode")
        with gr.Tabs():
            chat_tab(ctx)
            calculator_tab(ctx)
            on_list, kb_outputs = kb_tab(ctx)
            retrieval_tab(ctx)
            eval_tab(ctx)
            on_maintain, maintain_inputs, maintain_outputs = maintain_tab(ctx)
        api_endpoints(ctx)
        demo.load(on_list, None, kb_outputs, **PRIVATE)
        demo.load(on_maintain, maintain_inputs, maintain_outputs, **PRIVATE)
    return demo
