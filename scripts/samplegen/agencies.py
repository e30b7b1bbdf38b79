"""Who issues the documents and what they cite: the issuing bodies and the table of laws, as data.

Everything is fictional (province, district, the one-stop-shop agency code) except the cited instruments, which
are the real laws, decrees and circulars of each field.
"""

from __future__ import annotations

from typing import Any

from .names import PROVINCE, PROVINCE_UP
from .schema import Issuer
from .templating import Phrase

AGENCY_CODE = "000.99.21.H99"  # fictional one-stop-shop agency code

# Cited instruments by key; kinds write ``Căn cứ {nd105_2017};`` so one citation reads the same everywhere.
LAWS: dict[str, str] = {
    "luat_cqdp": (
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật "
        "Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019"
    ),
    "luat_thuong_mai": "Luật Thương mại ngày 14 tháng 6 năm 2005",
    "luat_hoa_chat": "Luật Hóa chất ngày 21 tháng 11 năm 2007",
    "nd105_2017": "Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu",
    "nd87_2018": "Nghị định số 87/2018/NĐ-CP ngày 15 tháng 6 năm 2018 của Chính phủ về kinh doanh khí",
    "nd81_2018": (
        "Nghị định số 81/2018/NĐ-CP ngày 22 tháng 5 năm 2018 của Chính phủ quy định chi tiết Luật Thương mại về "
        "hoạt động xúc tiến thương mại"
    ),
    "nd113_2017": (
        "Nghị định số 113/2017/NĐ-CP ngày 09 tháng 10 năm 2017 của Chính phủ quy định chi tiết và hướng dẫn thi "
        "hành một số điều của Luật Hóa chất; Nghị định số 82/2022/NĐ-CP ngày 18 tháng 10 năm 2022 của Chính phủ "
        "sửa đổi, bổ sung một số điều của Nghị định số 113/2017/NĐ-CP"
    ),
    "tt32_2017": (
        "Thông tư số 32/2017/TT-BCT ngày 28 tháng 12 năm 2017 của Bộ trưởng Bộ Công Thương quy định cụ thể và "
        "hướng dẫn thi hành một số điều của Luật Hóa chất"
    ),
    "nd15_2018": (
        "Nghị định số 15/2018/NĐ-CP ngày 02 tháng 02 năm 2018 của Chính phủ và Thông tư số 43/2018/TT-BCT ngày 15 "
        "tháng 11 năm 2018 của Bộ trưởng Bộ Công Thương"
    ),
    "nd83_2014": (
        "Nghị định số 83/2014/NĐ-CP ngày 03 tháng 9 năm 2014 của Chính phủ về kinh doanh xăng dầu; Nghị định số "
        "95/2021/NĐ-CP ngày 01 tháng 11 năm 2021 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số "
        "83/2014/NĐ-CP"
    ),
    "qd08_2021": (
        "Quyết định số 08/2021/QĐ-UBND ngày 19 tháng 3 năm 2021 của Ủy ban nhân dân tỉnh {province} quy định chức "
        "năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Công Thương tỉnh {province}"
    ),
    "qd26_2022": (
        "Quyết định số 26/2022/QĐ-UBND ngày 11 tháng 8 năm 2022 của Ủy ban nhân dân tỉnh {province} ban hành Quy "
        "chế xây dựng, quản lý và thực hiện Chương trình xúc tiến thương mại của tỉnh"
    ),
}

SO_CONG_THUONG = Issuer(
    header=(("UBND TỈNH {province_up}", "R"), ("SỞ CÔNG THƯƠNG", "B")),
    name="Sở Công Thương tỉnh {province}",
    aliases=("SỞ CÔNG THƯƠNG", "Sở Công Thương {province}", "SỞ CÔNG THƯƠNG TỈNH {province_up}"),
    place="{province}",
    phrases={
        "authority": "GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH {province_up}",
        "can_cu_org": "Căn cứ {qd08_2021};",
    },
)

# A district people's committee; the document gives ``district``. Its licences are not in the province register.
UBND_HUYEN = Issuer(
    header=(("ỦY BAN NHÂN DÂN", "R"), ("HUYỆN {district:upper}", "B")),
    name="UBND huyện {district}",
    aliases=("Ủy ban nhân dân huyện {district}", "ỦY BAN NHÂN DÂN HUYỆN {district:upper}"),
    place="{district}",
    in_register=False,
    phrases={
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN {district:upper}",
        "can_cu_org": "Căn cứ {luat_cqdp};",
    },
)

UBND_TINH = Issuer(
    header=(("ỦY BAN NHÂN DÂN", "B"), ("TỈNH {province_up}", "B")),
    name="UBND tỉnh {province}",
    aliases=("Ủy ban nhân dân tỉnh {province}", "ỦY BAN NHÂN DÂN TỈNH {province_up}"),
    place="{province}",
    phrases={
        "authority": "ỦY BAN NHÂN DÂN TỈNH {province_up}",
        "can_cu_org": "Căn cứ {luat_cqdp};",
    },
)

# A business writing to the administration (applications); ``company`` comes from the dossier.
APPLICANT = Issuer(
    header=(("{company:upper}", "B"),),
    name="{company}",
    aliases=("{company:upper}",),
    place="{province}",
)


def base_context() -> dict[str, Any]:
    """Values every template may use: the province, the agency code and the laws table."""
    return {
        "province": PROVINCE,
        "province_up": PROVINCE_UP,
        "agency_code": AGENCY_CODE,
        **{key: Phrase(text) for key, text in LAWS.items()},
    }


# -- issuers of the widened splits (held-out and dev); the default set does not use them ------------------------
# Provinces, districts and cities are given per document (``province``, ``province_up``, ``district``, ``city``).


def provincial_department(body_up: str, body: str, authority: str, can_cu: str = "{qd08_2021}") -> Issuer:
    """A department (sở) of the provincial committee: "UBND TỈNH X" over its own name, underlined."""
    return Issuer(
        header=(("UBND TỈNH {province_up}", "R"), (body_up, "B")),
        name=f"{body} tỉnh {{province}}",
        aliases=(f"{body} {{province}}", f"{body_up} TỈNH {{province_up}}"),
        place="{province}",
        phrases={"authority": authority, "can_cu_org": f"Căn cứ {can_cu};"},
    )


def district_office(level: str, place: str, body_up: str, body: str) -> Issuer:
    """An office of a district (or city) committee: "UBND HUYỆN Y" over "PHÒNG KINH TẾ"; not in the register."""
    return Issuer(
        header=((f"UBND {level.upper()} {{{place}:upper}}", "R"), (body_up, "B")),
        name=f"{body} {level} {{{place}}}",
        aliases=(f"{body_up} {level.upper()} {{{place}:upper}}",),
        place=f"{{{place}}}",
        in_register=False,
        phrases={
            "authority": f"TRƯỞNG {body_up} {level.upper()} {{{place}:upper}}",
            "can_cu_org": "Căn cứ {luat_cqdp};",
        },
    )


SO_CONG_THUONG_ANY = provincial_department("SỞ CÔNG THƯƠNG", "Sở Công Thương", "GIÁM ĐỐC SỞ CÔNG THƯƠNG")
SO_Y_TE = provincial_department("SỞ Y TẾ", "Sở Y tế", "GIÁM ĐỐC SỞ Y TẾ", can_cu="{luat_cqdp}")
PHONG_KINH_TE_HUYEN = district_office("huyện", "district", "PHÒNG KINH TẾ", "Phòng Kinh tế")
PHONG_KTHT_HUYEN = district_office("huyện", "district", "PHÒNG KINH TẾ VÀ HẠ TẦNG", "Phòng Kinh tế và Hạ tầng")
PHONG_KINH_TE_TP = district_office("thành phố", "city", "PHÒNG KINH TẾ", "Phòng Kinh tế")
UBND_HUYEN_2 = Issuer(
    header=(("UBND HUYỆN {district:upper}", "B"),),
    name="UBND huyện {district}",
    aliases=("Ủy ban nhân dân huyện {district}", "ỦY BAN NHÂN DÂN HUYỆN {district:upper}"),
    place="{district}",
    in_register=False,
    phrases={"authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN {district:upper}", "can_cu_org": "Căn cứ {luat_cqdp};"},
)
CUC_HOA_CHAT = Issuer(
    header=(("BỘ CÔNG THƯƠNG", "R"), ("CỤC HÓA CHẤT", "B")),
    name="Cục Hóa chất",
    aliases=("CỤC HÓA CHẤT", "Cục Hóa chất - Bộ Công Thương", "Cục Hóa chất Bộ Công Thương"),
    place="Hà Nội",
    in_register=False,
    phrases={"authority": "CỤC TRƯỞNG CỤC HÓA CHẤT", "can_cu_org": "Căn cứ {luat_hoa_chat};"},
)
# A company's letterhead: its name (wrapped as long names are) over the number, if it numbers its letters.
COMPANY = Issuer(
    header=(("{company:upper}", "B"),),
    name="{company}",
    aliases=("{company:upper}",),
    place="{province}",
    in_register=False,
)
