"""Kinds whose documents are results of administrative procedures: licences, certificates, approvals.

Each is listed in the province's register of valid results (unless its issuer is not) under ``result``.
"""

from __future__ import annotations

from dataclasses import replace

from ..agencies import SO_CONG_THUONG, UBND_HUYEN
from ..draws import Address, Int, Less, Person, Phone, Pick, PickNew, TaxCode
from ..names import COMMUNES
from ..schema import DEPUTY_DIRECTOR, DIRECTOR, Draws, Kind, SignerSpec, basis, centred, flush
from ..spec import Para

# The last clause of a wine licence, chosen per document (``validity``).
VALIDITY_TERM = "Giấy phép này có thời hạn 05 năm kể từ ngày ký."
VALIDITY_UNTIL = "Giấy phép này có hiệu lực đến {until}."

WINE_SHOPS = (
    "Công ty TNHH Thương mại Phú Gia {province}",
    "Công ty TNHH MTV Đồ uống Hoàng Long",
    "Công ty Cổ phần Thực phẩm Kỳ Cùng",
    "Công ty TNHH Dịch vụ Thương mại Minh Châu",
    "Công ty TNHH Bách hóa Tân Thanh",
)
WINE_PRODUCTS = (
    "rượu vang, rượu vodka, rượu trắng đóng chai có nhãn hàng hóa",
    "rượu vang nhập khẩu, rượu mơ, rượu nếp đóng chai có nhãn hàng hóa",
    "rượu vang, rượu whisky, rượu chuối hột đóng chai có nhãn hàng hóa",
)
_WINE_APPLICANT: Draws = (("company", PickNew(WINE_SHOPS)), ("owner", Person()))
_WINE_APPLIED: Draws = (("applied", Less("issued", Int(8, 20))), ("signer", Person(female=False)))
_WINE_TRADER: Draws = (
    ("products", Pick(WINE_PRODUCTS)),
    ("head_office", Address()),
    ("phone", Phone()),
    ("tax_code", TaxCode()),
    ("registered", Less("applied", 900)),
)

# The document gives ``title`` (the licence's own wording) and ``validity``.
WINE_RETAIL = Kind(
    doc_type="giay_phep",
    doc_subtype="gp_bl_ruou",
    field_code="ruou",
    issuer=SO_CONG_THUONG,
    titles=("{title}",),
    draws=(*_WINE_APPLICANT, ("store", Address()), *_WINE_APPLIED, *_WINE_TRADER),
    phrases={"proposer": "Theo đề nghị của Trưởng phòng Quản lý thương mại,"},
    body=(
        centred("{authority}", before=6, role="authority"),
        basis("Căn cứ {nd105_2017};", before=4),
        basis("{can_cu_org}"),
        basis("Xét Đơn đề nghị cấp {title:lower} của {company} {applied} và hồ sơ kèm theo;"),
        basis("{proposer}"),
        centred("CẤP PHÉP:", before=6),
        Para("1. Cho phép: {company}", before=4),
        Para("Trụ sở chính: {head_office}"),
        Para("Điện thoại: {phone}; người đại diện theo pháp luật: {owner}."),
        Para(
            "Giấy chứng nhận đăng ký doanh nghiệp số {tax_code} do Sở Kế hoạch và Đầu tư tỉnh {province} cấp lần "
            "đầu {registered}."
        ),
        Para("2. Được phép bán lẻ sản phẩm rượu tại địa điểm: {store}."),
        Para("3. Loại sản phẩm rượu được phép kinh doanh: {products}."),
        Para(
            "4. Thương nhân phải thực hiện đúng các quy định tại Nghị định số 105/2017/NĐ-CP và các văn bản pháp "
            "luật liên quan."
        ),
        Para("5. {validity}"),
    ),
    noi_nhan=("- Như mục 1;", "- Bộ Công Thương (b/c);", "- UBND các huyện, thành phố;", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="{title:sentence}",
    chu_the="{company}",
    valid_years=5,
    result="{title:sentence}",
)

# The same licence from a district committee (the document also gives ``district``): the shop is in a village.
WINE_RETAIL_DISTRICT = replace(
    WINE_RETAIL,
    issuer=UBND_HUYEN,
    # the city address is still drawn so that every later draw of the set stays the same
    draws=(
        *_WINE_APPLICANT,
        ("unused_address", Address()),
        *_WINE_APPLIED,
        ("village", Pick(("Chu", "Mạ", "Slằng"))),
        ("commune", Pick(tuple(COMMUNES))),
        *_WINE_TRADER,
    ),
    phrases={
        "proposer": "Theo đề nghị của Trưởng phòng Kinh tế và Hạ tầng,",
        "store": "Thôn Bản {village}, xã {commune}, huyện {district}, tỉnh {province}",
    },
    noi_nhan=("- Như mục 1;", "- Sở Công Thương tỉnh {province};", "- Lưu: VT, KTHT."),
    signer=SignerSpec(("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
)

# The document gives ``company``.
QD_HOA_CHAT = Kind(
    doc_type="quyet_dinh",
    doc_subtype="qd_kh_ung_pho_hoa_chat",
    field_code="hoa_chat",
    issuer=SO_CONG_THUONG,
    titles=("QUYẾT ĐỊNH",),
    subtitle="Về việc phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất của {company}",
    draws=(("site", Address(urban=False)), ("signer", Person(female=False))),
    body=(
        centred("{authority}", before=6),
        basis("Căn cứ {luat_hoa_chat};", before=4),
        basis("Căn cứ {nd113_2017};"),
        basis("Căn cứ {tt32_2017};"),
        basis("{can_cu_org}"),
        basis(
            "Xét hồ sơ đề nghị phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất của {company} và ý kiến của "
            "Hội đồng thẩm định ngày 02 tháng 4 năm 2024;"
        ),
        basis("Theo đề nghị của Trưởng phòng Kỹ thuật an toàn - Môi trường."),
        centred("QUYẾT ĐỊNH:", before=6),
        Para(
            "Điều 1. Phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất của {company} với các nội dung chính "
            "sau đây:",
            before=4,
        ),
        Para("1. Tên cơ sở: {company}."),
        Para("2. Địa chỉ kho chứa hóa chất: {site}."),
        Para("3. Loại hình hoạt động: kinh doanh, tồn trữ hóa chất phục vụ sản xuất công nghiệp."),
        Para(
            "4. Hóa chất nguy hiểm và khối lượng tồn trữ lớn nhất: axit sunfuric 12 tấn; natri hydroxit 8 tấn; "
            "axit clohydric 5 tấn; hydro peroxit 3 tấn."
        ),
        Para(
            "5. Biện pháp phòng ngừa: bố trí kho chứa riêng biệt, có hệ thống thông gió, đê bao chống tràn, tủ "
            "thuốc sơ cứu và trang thiết bị bảo hộ cho người lao động; tổ chức huấn luyện an toàn hóa chất định "
            "kỳ hằng năm."
        ),
        Para("Điều 2. {company} có trách nhiệm:", page_break=True, before=0),
        Para("a) Tổ chức thực hiện đầy đủ các nội dung của Kế hoạch đã được phê duyệt;"),
        Para(
            "b) Lưu giữ Kế hoạch tại cơ sở, thường xuyên kiểm tra, cập nhật và diễn tập phương án ứng phó sự cố "
            "hóa chất theo quy định;"
        ),
        Para(
            "c) Khi xảy ra sự cố hóa chất phải kịp thời thông báo cho Sở Công Thương và các cơ quan chức năng để "
            "phối hợp xử lý."
        ),
        Para(
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Trưởng phòng Kỹ thuật an toàn "
            "- Môi trường và Giám đốc {company} chịu trách nhiệm thi hành Quyết định này./."
        ),
    ),
    noi_nhan=("- Như Điều 3;", "- Cục Hóa chất (b/c);", "- Giám đốc Sở;", "- Lưu: VT, KTAT."),
    signer=SignerSpec(DIRECTOR),
    chu_the="{company}",
    result="Quyết định phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất",
)

# For a dossier with ``company``.
GCN_ATTP = Kind(
    doc_type="giay_phep",
    doc_subtype="gcn_attp",
    field_code="an_toan_thuc_pham",
    issuer=SO_CONG_THUONG,
    titles=("GIẤY CHỨNG NHẬN", "CƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM"),
    draws=(("owner", Person()), ("site", Address(urban=False)), ("phone", Phone()), ("signer", Person(female=False))),
    body=(
        centred("SỞ CÔNG THƯƠNG TỈNH {province_up}", before=8),
        centred("CHỨNG NHẬN", before=4),
        flush("Cơ sở: {company}", before=8),
        flush("Chủ cơ sở: {owner}"),
        flush("Địa chỉ: {site}"),
        flush("Điện thoại: {phone}"),
        flush(
            "Đủ điều kiện an toàn thực phẩm theo quy định đối với: sản xuất bánh kẹo, mứt và các sản phẩm chế "
            "biến từ hạt dẻ, hồng không hạt."
        ),
        Para("Căn cứ {nd15_2018}.", style="I", indent=0),
        flush("Giấy chứng nhận có hiệu lực đến {until}.", before=6),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT, QLCN."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="{loai}",
    chu_the="{company}",
    valid_years=3,
    result="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
)

# For a dossier with ``company`` and ``company_address``.
GCN_LPG = Kind(
    doc_type="giay_phep",
    doc_subtype="gcn_mua_ban_lpg",
    field_code="khi",
    issuer=SO_CONG_THUONG,
    titles=("GIẤY CHỨNG NHẬN", "ĐỦ ĐIỀU KIỆN THƯƠNG NHÂN KINH DOANH MUA BÁN LPG"),
    draws=(("tax_code", TaxCode()), ("phone", Phone()), ("signer", Person(female=False))),
    body=(
        centred("{authority}", before=6),
        basis("Căn cứ {nd87_2018};", before=4),
        basis("{can_cu_org}"),
        basis("Xét hồ sơ đề nghị của {company} ngày 02 tháng 7 năm 2024;"),
        basis("Theo đề nghị của Trưởng phòng Quản lý năng lượng,"),
        centred("CHỨNG NHẬN:", before=6),
        Para("1. {company}", before=4),
        Para("Địa chỉ trụ sở chính: {company_address}"),
        Para("Mã số doanh nghiệp: {tax_code}; điện thoại: {phone}."),
        Para("2. Đủ điều kiện thương nhân kinh doanh mua bán LPG theo quy định của pháp luật."),
        Para(
            "3. Thương nhân có trách nhiệm duy trì các điều kiện kinh doanh khí và thực hiện đúng quy định tại "
            "Nghị định số 87/2018/NĐ-CP."
        ),
        Para("4. Giấy chứng nhận này có thời hạn 05 năm kể từ ngày ký."),
    ),
    noi_nhan=("- Như mục 1;", "- Bộ Công Thương (b/c);", "- Lưu: VT, QLNL."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="{loai}",
    chu_the="{company}",
    valid_years=5,
    result="Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
)

# The document gives ``company``.
CV_KHUYEN_MAI = Kind(
    doc_type="cong_van",
    doc_subtype="cv_xac_nhan_khuyen_mai",
    field_code="xuc_tien_thuong_mai",
    issuer=SO_CONG_THUONG,
    titles=(),
    vv="V/v xác nhận đăng ký thực hiện khuyến mại",
    kinh_gui="Kính gửi: {company}.",
    draws=(("value", Int(150, 480)), ("signer", Person())),
    body=(
        Para(
            "Sở Công Thương tỉnh {province} nhận được văn bản số 25/2024/CV-HP ngày 28 tháng 8 năm 2024 của "
            "{company} về việc đăng ký thực hiện chương trình khuyến mại Tri ân khách hàng mùa thu 2024.",
            before=6,
        ),
        Para(
            "Căn cứ {luat_thuong_mai} và {nd81_2018}, Sở Công Thương xác nhận {company} đăng ký thực hiện chương "
            "trình khuyến mại với nội dung sau:"
        ),
        Para("1. Tên chương trình: Tri ân khách hàng mùa thu 2024."),
        Para("2. Thời gian khuyến mại: từ ngày 15 tháng 9 năm 2024 đến ngày 15 tháng 10 năm 2024."),
        Para("3. Địa bàn: các siêu thị của Công ty trên địa bàn tỉnh {province}."),
        Para("4. Hình thức: tặng hàng hóa cho khách hàng có hóa đơn mua hàng từ 500.000 đồng trở lên."),
        Para("5. Tổng giá trị hàng hóa dùng để khuyến mại: {value}.000.000 đồng."),
        Para(
            "Công ty có trách nhiệm thực hiện chương trình khuyến mại đúng nội dung đã đăng ký và báo cáo kết quả "
            "thực hiện theo quy định./."
        ),
    ),
    noi_nhan=("- Như trên;", "- Giám đốc Sở (b/c);", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="{vv}",
    chu_the="{company}",
    result="Văn bản xác nhận đăng ký thực hiện khuyến mại",
)
