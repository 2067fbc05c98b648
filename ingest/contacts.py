"""The contacts section a page's hotline and address are kept in, and the questions that read it.

``ingest.normalize`` fills the section; this module is small so that the answer path reads it
without importing the cleaning rules."""

from __future__ import annotations

import re

CONTACTS_HEADING = "联系方式"
# a question asking for contact details ("客服电话是多少", "官网地址", "在哪办公"): only such a
# question reads the contacts section (an address there says nothing about the weather in 北京)
ASKS_CONTACT = re.compile(r"电话|热线|手机号|号码|网址|官网|网站|邮箱|地址|联系方式|怎么联系|在哪(?:儿|里)?办公")


# a telephone number as the answer path recognises it: a mobile, a landline with its area code, a
# 400/800 hotline (``ingest.normalize.PHONE_RE``, which cleaning uses, also takes spaces and +86)
PHONE_NUMBER = r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)|[48]00-?\d{3}-?\d{4}"


# an address's value after its label, in search text (the label stays)
CONTACT_ADDRESS = re.compile(r"(地址\s*[:：]?)[^，,。；;\n]*")


def is_contacts_section(heading_path: str) -> bool:
    """Whether a passage is the contacts section ``clean_document`` keeps a page's details in."""
    return heading_path.rsplit(">", 1)[-1].strip() == CONTACTS_HEADING
