"""One-character slips in a domain word are corrected before searching (assistant.lang.slips);
ordinary text, real words and characters that do not sound alike are left alone."""

from __future__ import annotations

import pytest

from assistant.lang.slips import correct_question, correct_slips, find_slips, sound_alike

CORRECTED = [
    ("做售后服务认证的认证机购有哪些", "认证机构"),
    ("评申员会来几个人", "评审员"),
    ("售后服务认正的证书有效期几年", "售后服务认证"),
    # in a word of five characters or more a same-reading slip is corrected even where it makes a
    # word with a neighbour (人证, 正要)
    ("哪里能办这个售后服务人证啊", "售后服务认证"),
    ("售后服务认正要考多少分才算过", "售后服务认证"),
    # "认正要多久": 正要 is a real word (about to), so it is not taken for a slip
    ("证书的有校期是几年", "有效期"),
    ("售后服务管里师要几个", "售后服务管理师"),
    ("营业只照复印件要盖章吗", "营业执照"),
    ("特别扣份项扣几分", "特别扣分项"),
    # two-character words, when no character of the window makes a word outside it
    ("正书拿到手能用几年啊", "证书"),
    ("我们每年做满意度调查 还有客户连谊会", "联谊"),
    ("刚好70分算达表吗", "达标"),
    # fuzzy pinyin in longer words: -n for -ng, c for ch
    ("三心级要多少分", "三星级"),
    ("没通过能从新申请吗", "重新申请"),
    # of several words that fit, the one the typed character's only reading is (voice input)
    ("涉及项六十分 实得五十七分 有一个特别口分 最后是几星", "特别扣分"),
    ("评审下来是六十八分 能算打标吗", "达标"),
    # in a word of four characters, a character of several sounds heard by its commonest one
    # (家 jia, though 别家 is a word): 特别加分, not 特别扣分
    ("另外有一项比行业都强 给了个特别家分 最后几分", "特别加分"),
    # two characters heard wrong in a word of four or more (a speech recogniser's slip)
    ("整个任正流程大概是怎么走的", "认证流程"),
]

UNCHANGED = [
    "售后服务认证是什么",
    # several words fit and the typed character does not tell which: a function character (在,
    # 的), a character of two sounds (行 xing/hang), or a sound only a rare reading gives (附 bu)
    "星级标志能不能印在认证范围以外的产品上？",
    "交上去的材料要是缺了几样,认证机构会直接打回不受理吗?",
    "这个标准以前是行标吧？前身叫啥",
    "提交申请的时候除了填表、附材料,还有别的要做的吗?",
    "監督的時候如果被發現做得不好,會怎麼樣?會直接被拔證嗎?",
    "财务那边问:做这个认证除了花钱,能不能帮我们降点成本?",
    "去哪办售后服务认证靠谱啊?",
    "五星吗",  # 吗 does not sound like 级
    "三星和四星差别在哪",
    "申请的单位是不是必须有法人资格",  # 的 does not sound like 表
    "认证机会难得吗",  # 机会 is a real word
    "我们在网店卖货能申请吗",  # 网店 is a real word, not a slip of 网点
    "明天上海会不会下雨",
    "",
    "ISO 9001 和 GB/T 27922",
    # two-character windows a real word crosses, or whose odd character builds sentences
    "评审的时候会给我们的客户打电话吗",  # 会给 is no slip of 会计
    "打算明年申请，现在先要做点啥准备",  # 现在 holds the 在 of 在先
    "我怎么核实它到底有没有资质",
    "下午要出门见客户",
    "同事说售后服务认证其实是管理体系认证的一种",
    "有的资料写80分以上叫星级",
    "在官网上教大家怎么用产品",
    "现在申请售后服务认证的企业多吗",
    # determiners and aspect particles are typed on purpose
    "某一个指标不符合会怎样",  # 某 (one reading mei) is no slip of 每
    "客户急着投标用",  # 急着 is no slip of 招投标
]


@pytest.mark.parametrize(("question", "meant"), CORRECTED)
def test_slips_in_domain_words_are_corrected(question, meant):
    fixed = correct_slips(question)
    assert meant in fixed and fixed != question
    assert len(fixed) == len(question)


@pytest.mark.parametrize("question", UNCHANGED)
def test_ordinary_text_is_left_alone(question):
    assert correct_slips(question) == question
    assert find_slips(question) == []


def test_the_askers_own_text_keeps_its_script_and_reports_the_slip():
    fixed, slips = correct_question("認證證書的有校期是多久？")
    assert fixed == "認證證書的有效期是多久？"
    assert slips == [("有校期", "有效期")]


def test_sound_alike_ignores_tones_and_knows_every_reading():
    assert sound_alike("购", "构") and sound_alike("正", "证")
    assert not sound_alike("吗", "级")
    assert sound_alike("的", "地")  # 的 reads de and di


def test_the_engine_answers_the_corrected_question_and_says_so(assistant):
    ans = assistant.ask("售后服务认证的认证机购有哪些")
    assert any("认证机构" in n and "认证机购" in n for n in ans.notices)
    assert not ans.abstained and ans.citations


def test_the_pinyin_table_is_read_without_importing_the_package():
    """Fast start: importing pypinyin costs about 360 ms (its phrase dictionaries); the slips
    need only its character table."""
    import subprocess
    import sys

    code = ("import sys; from assistant.lang.slips import correct_slips; "
            "assert correct_slips('售后服务认正的证书') == '售后服务认证的证书'; print('pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_character_is_never_read_as_its_same_sound_opposite():
    from assistant.lang.slips import correct_question

    fixed, slips = correct_question("能不能网上买几张售后服务管理师证书")
    assert "买" in fixed and not slips


@pytest.mark.parametrize(("question", "score", "grade"), [
    # a special deduction heard as 口分 still counts: 57 ÷ 60 × 100 = 95, minus 1 = 94
    ("我们删减的比较多 涉及项只有六十分 实得五十七分 然后嗯 有一个特别口分 最后是五星还是四星", 94.0, "四星级"),
    # the number taken back is not used: 63 ÷ 90 × 100 = 70, not 63 ÷ 95
    ("涉及项分值是九十五 不对 是九十 然后我们实得六十三分 这个够达标吗", 70.0, "达标"),
])
def test_a_voice_typed_score_question_is_computed_from_what_was_meant(assistant, question, score, grade):
    ans = assistant.ask(question)
    assert ans.tool_calls, ans.answer
    result = ans.tool_calls[0].result
    assert (result["score"], result["grade"]) == (score, grade)
