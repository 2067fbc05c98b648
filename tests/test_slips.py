"""One-character slips in a domain word are corrected before searching (assistant.lang.slips);
ordinary text, real words and characters that do not sound alike are left alone."""

from __future__ import annotations

import pytest

from assistant.lang.slips import correct_question, correct_slips, find_slips, sound_alike

CORRECTED = [
    ("做售后服务认证的认证机购有哪些", "认证机构"),
    ("评申员会来几个人", "评审员"),
    ("售后服务认正的证书有效期几年", "售后服务认证"),
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
]

UNCHANGED = [
    "售后服务认证是什么",
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
