"""Kinds of the widened splits (``--split dev`` / ``--split heldout``): types, fields and issuers that the default
set does not have. Each kind names a default issuer; a document of the plan may give another one.

The letters and submissions mention other fields in passing (a letter on petrol also lists wine and tobacco among
the goods to watch), as real ones do: their field is the one of the subject line and the cited instruments.
"""

from __future__ import annotations

from ..agencies import COMPANY, CUC_HOA_CHAT, PHONG_KINH_TE_HUYEN, SO_CONG_THUONG_ANY
from ..draws import Address, Int, Less, Person, Phone, PickNew, TaxCode
from ..schema import DEPUTY_DIRECTOR, DIRECTOR, Kind, SignerSpec, basis, centred, flush, heading
from ..spec import Para

DEPUTY_HEAD = ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")

# Instruments cited only by these kinds (real instruments of each field).
_TOBACCO = (
    "Nghị định số 67/2013/NĐ-CP ngày 27 tháng 6 năm 2013 của Chính phủ quy định chi tiết một số điều và biện "
    "pháp thi hành Luật Phòng, chống tác hại của thuốc lá về kinh doanh thuốc lá; Nghị định số 106/2017/NĐ-CP "
    "ngày 14 tháng 9 năm 2017 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 67/2013/NĐ-CP"
)
_ELECTRICITY = (
    "Luật Điện lực ngày 03 tháng 12 năm 2004; Luật sửa đổi, bổ sung một số điều của Luật Điện lực ngày 20 tháng "
    "11 năm 2012; Thông tư số 10/2023/TT-BCT ngày 21 tháng 4 năm 2023 của Bộ trưởng Bộ Công Thương quy định về "
    "cấp giấy phép hoạt động điện lực"
)
_FOOD = (
    "Luật An toàn thực phẩm ngày 17 tháng 6 năm 2010; Nghị định số 15/2018/NĐ-CP ngày 02 tháng 02 năm 2018 của "
    "Chính phủ quy định chi tiết thi hành một số điều của Luật An toàn thực phẩm"
)

COMPANIES = (
    "Công ty TNHH Xăng dầu Tân Hà",
    "Công ty Cổ phần Thương mại Đông Bắc",
    "Công ty TNHH MTV Phân phối Sao Mai",
    "Công ty TNHH Gas Phương Bắc",
    "Công ty Cổ phần Dịch vụ Thương mại Kỳ Lừa",
    "Công ty TNHH Thực phẩm Hồng Phát",
    "Công ty TNHH Điện máy Hoàng Gia",
    "Công ty Cổ phần Năng lượng Bình Minh",
    "Công ty TNHH Thương mại và Dịch vụ Phúc Thịnh",
    "Hợp tác xã Dịch vụ Nông nghiệp Tân Thành",
    "Công ty TNHH Thủy điện Nà Hu",
    "Công ty Cổ phần Đầu tư Điện lực Khánh Hòa Bắc",
    "Doanh nghiệp tư nhân Thành Đạt",
    "Công ty TNHH Bách hóa Hữu Nghị",
)
_FIRM = (("company", PickNew(COMPANIES)),)

GP_BAN_BUON_THUOC_LA = Kind(
    doc_type="giay_phep",
    doc_subtype="gp_bb_thuoc_la",
    field_code="thuoc_la",
    issuer=SO_CONG_THUONG_ANY,
    titles=("GIẤY PHÉP BÁN BUÔN SẢN PHẨM THUỐC LÁ",),
    draws=(*_FIRM, ("head_office", Address()), ("tax_code", TaxCode()), ("signer", Person(female=False))),
    phrases={"tobacco": _TOBACCO},
    body=(
        centred("{authority}", before=6),
        basis("Căn cứ {tobacco};", before=4),
        basis("{can_cu_org}"),
        basis("Xét Đơn đề nghị cấp Giấy phép bán buôn sản phẩm thuốc lá của {company} và hồ sơ kèm theo;"),
        basis("Theo đề nghị của Trưởng phòng Quản lý thương mại,"),
        centred("CẤP PHÉP:", before=6),
        Para("1. Cho phép: {company}", before=4),
        Para("Trụ sở chính: {head_office}"),
        Para("Mã số doanh nghiệp: {tax_code}."),
        Para("2. Được phép bán buôn sản phẩm thuốc lá trên địa bàn tỉnh {province}."),
        Para("3. Thương nhân phải thực hiện đúng các quy định của pháp luật về kinh doanh thuốc lá."),
        Para("4. Giấy phép này có hiệu lực đến {until}."),
    ),
    noi_nhan=("- Như mục 1;", "- Bộ Công Thương (b/c);", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="Giấy phép bán buôn sản phẩm thuốc lá",
    chu_the="{company}",
    valid_years=5,
    result="Giấy phép bán buôn sản phẩm thuốc lá",
)

# Issued by a district office (the plan gives ``district``): not in the province register.
GP_BAN_LE_THUOC_LA = Kind(
    doc_type="giay_phep",
    doc_subtype="gp_bl_thuoc_la",
    field_code="thuoc_la",
    issuer=PHONG_KINH_TE_HUYEN,
    titles=("GIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ",),
    draws=(("owner", Person()), ("store", Address(urban=False)), ("signer", Person())),
    phrases={"tobacco": _TOBACCO},
    body=(
        centred("{authority}", before=6),
        basis("Căn cứ {tobacco};", before=4),
        basis("{can_cu_org}"),
        basis("Xét Đơn đề nghị cấp Giấy phép bán lẻ sản phẩm thuốc lá của Hộ kinh doanh {owner};"),
        centred("CẤP PHÉP:", before=6),
        Para("1. Cho phép: Hộ kinh doanh {owner}", before=4),
        Para("Địa điểm kinh doanh: {store}."),
        Para("2. Được phép bán lẻ sản phẩm thuốc lá tại địa điểm nêu trên."),
        Para("3. Giấy phép này có hiệu lực đến {until}."),
    ),
    noi_nhan=("- Như mục 1;", "- Sở Công Thương;", "- Lưu: VT."),
    signer=SignerSpec(DEPUTY_HEAD),
    trich_yeu="Giấy phép bán lẻ sản phẩm thuốc lá",
    chu_the="Hộ kinh doanh {owner}",
    valid_years=5,
    result="Giấy phép bán lẻ sản phẩm thuốc lá",
)

GCN_XANG_DAU = Kind(
    doc_type="giay_phep",
    doc_subtype="gcn_cua_hang_xang_dau",
    field_code="xang_dau",
    issuer=SO_CONG_THUONG_ANY,
    titles=("GIẤY CHỨNG NHẬN", "CỬA HÀNG ĐỦ ĐIỀU KIỆN BÁN LẺ XĂNG DẦU"),
    draws=(*_FIRM, ("store", Address(urban=False)), ("manager", Person()), ("signer", Person(female=False))),
    body=(
        centred("{authority}", before=6),
        basis("Căn cứ {nd83_2014};", before=4),
        basis("{can_cu_org}"),
        basis("Xét hồ sơ đề nghị cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu của {company};"),
        centred("CHỨNG NHẬN:", before=6),
        Para("1. Cửa hàng xăng dầu số 5 thuộc {company}", before=4),
        Para("Địa chỉ cửa hàng: {store}."),
        Para("Người quản lý cửa hàng: {manager}."),
        Para("2. Đủ điều kiện bán lẻ xăng dầu theo quy định."),
        Para("3. Giấy chứng nhận này có hiệu lực đến {until}."),
    ),
    noi_nhan=("- Như mục 1;", "- Cục Quản lý thị trường tỉnh;", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
    chu_the="{company}",
    valid_years=5,
    result="Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
)

GP_DIEN_LUC = Kind(
    doc_type="giay_phep",
    doc_subtype="gp_hoat_dong_dien_luc",
    field_code="dien_luc",
    issuer=SO_CONG_THUONG_ANY,
    titles=("GIẤY PHÉP HOẠT ĐỘNG ĐIỆN LỰC",),
    draws=(*_FIRM, ("plant", Address(urban=False)), ("capacity", Int(3, 30)), ("signer", Person(female=False))),
    phrases={"electricity": _ELECTRICITY},
    body=(
        centred("{authority}", before=6),
        basis("Căn cứ {electricity};", before=4),
        basis("{can_cu_org}"),
        basis("Xét hồ sơ đề nghị cấp giấy phép hoạt động điện lực của {company};"),
        centred("QUYẾT ĐỊNH:", before=6),
        Para("Điều 1. Cấp Giấy phép hoạt động điện lực cho {company}.", before=4),
        Para("Lĩnh vực hoạt động: phát điện. Nhà máy thủy điện công suất {capacity} MW tại {plant}."),
        Para("Điều 2. Giấy phép này có hiệu lực đến {until}."),
    ),
    noi_nhan=("- Như Điều 1;", "- Cục Điều tiết điện lực;", "- Lưu: VT, QLNL."),
    signer=SignerSpec(DIRECTOR),
    trich_yeu="Giấy phép hoạt động điện lực",
    chu_the="{company}",
    valid_years=10,
    result="Giấy phép hoạt động điện lực",
)

# A letter on petrol that names other goods in passing.
CV_XANG_DAU = Kind(
    doc_type="cong_van",
    doc_subtype="cv_xang_dau",
    field_code="xang_dau",
    issuer=SO_CONG_THUONG_ANY,
    titles=(),
    vv="V/v tăng cường kiểm tra hoạt động kinh doanh xăng dầu dịp cuối năm",
    kinh_gui="Kính gửi: Ủy ban nhân dân các huyện, thành phố.",
    draws=(("stations", Int(40, 160)), ("signer", Person())),
    body=(
        Para(
            "Căn cứ {nd83_2014}, để bảo đảm cung ứng xăng dầu phục vụ sản xuất và tiêu dùng dịp cuối năm, Sở "
            "Công Thương đề nghị Ủy ban nhân dân các huyện, thành phố chỉ đạo thực hiện một số nội dung sau:",
            before=6,
        ),
        Para(
            "1. Kiểm tra {stations} cửa hàng bán lẻ xăng dầu trên địa bàn về niêm yết giá, đo lường, chất lượng "
            "xăng dầu và việc duy trì điều kiện kinh doanh xăng dầu."
        ),
        Para(
            "2. Phối hợp kiểm tra việc kinh doanh các mặt hàng thiết yếu khác như rượu, thuốc lá, thực phẩm đóng "
            "gói, bảo đảm an toàn thực phẩm; xử lý nghiêm các cơ sở bán rượu, thuốc lá không có giấy phép."
        ),
        Para(
            "3. Hướng dẫn thương nhân thực hiện thủ tục hành chính trên Cổng dịch vụ công; báo cáo kết quả về Sở "
            "Công Thương trước ngày 25 tháng 12./."
        ),
    ),
    noi_nhan=("- Như trên;", "- Giám đốc Sở (b/c);", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    trich_yeu="{vv}",
)

TO_TRINH_KHI = Kind(
    doc_type="to_trinh",
    doc_subtype="ttr_khi",
    field_code="khi",
    issuer=SO_CONG_THUONG_ANY,
    titles=("TỜ TRÌNH",),
    subtitle="Về việc ban hành Kế hoạch kiểm tra an toàn trong kinh doanh khí trên địa bàn tỉnh {province} năm 2025",
    kinh_gui="Kính gửi: Ủy ban nhân dân tỉnh {province}.",
    draws=(("traders", Int(20, 90)), ("signer", Person(female=True))),
    body=(
        Para("Căn cứ {nd87_2018};", before=6),
        Para(
            "Trên địa bàn tỉnh hiện có {traders} thương nhân kinh doanh khí và cửa hàng bán lẻ LPG chai. Năm 2024, "
            "Sở đã phối hợp kiểm tra cả lĩnh vực hóa chất, điện lực và xăng dầu; riêng kinh doanh khí còn một số "
            "cửa hàng chưa bảo đảm khoảng cách an toàn."
        ),
        Para(
            "Sở Công Thương kính trình Ủy ban nhân dân tỉnh xem xét, ban hành Kế hoạch kiểm tra an toàn trong kinh "
            "doanh khí năm 2025 (dự thảo kèm theo)./."
        ),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT, QLNL."),
    signer=SignerSpec(DIRECTOR),
)

# A company's letter (letterhead, number optional): the issuer is the company.
CV_CONG_TY_XANG_DAU = Kind(
    doc_type="cong_van",
    doc_subtype="cv_doanh_nghiep",
    field_code="xang_dau",
    issuer=COMPANY,
    titles=(),
    vv="V/v đề nghị hướng dẫn thủ tục cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
    kinh_gui="Kính gửi: Sở Công Thương tỉnh {province}.",
    draws=(*_FIRM, ("store", Address(urban=False)), ("director", Person(female=False))),
    body=(
        Para(
            "{company} dự kiến đưa vào hoạt động cửa hàng bán lẻ xăng dầu tại {store}. Căn cứ {nd83_2014}, Công "
            "ty kính đề nghị Sở Công Thương hướng dẫn thành phần hồ sơ và trình tự cấp Giấy chứng nhận cửa hàng "
            "đủ điều kiện bán lẻ xăng dầu.",
            before=6,
        ),
        Para("Trân trọng cảm ơn./."),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT."),
    signer=SignerSpec(DIRECTOR, name="{director}"),
    trich_yeu="{vv}",
    chu_the="{company}",
)

CV_CONG_TY_KHUYEN_MAI = Kind(
    doc_type="cong_van",
    doc_subtype="cv_doanh_nghiep",
    field_code="xuc_tien_thuong_mai",
    issuer=COMPANY,
    titles=(),
    vv="V/v đăng ký thực hiện chương trình khuyến mại",
    kinh_gui="Kính gửi: Sở Công Thương tỉnh {province}.",
    draws=(*_FIRM, ("value", Int(50, 300)), ("director", Person())),
    body=(
        Para(
            "Căn cứ {luat_thuong_mai} và {nd81_2018}, {company} đăng ký thực hiện chương trình khuyến mại Mừng "
            "xuân với hình thức tặng hàng hóa, tổng giá trị {value}.000.000 đồng, từ ngày 01 tháng 01 đến ngày 31 "
            "tháng 01.",
            before=6,
        ),
        Para("Công ty cam kết thực hiện đúng nội dung đã đăng ký./."),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT."),
    signer=SignerSpec(DIRECTOR, name="{director}"),
    trich_yeu="{vv}",
    chu_the="{company}",
)

DON_THUOC_LA = Kind(
    doc_type="don_de_nghi",
    doc_subtype="don_gp_thuoc_la",
    field_code="thuoc_la",
    issuer=COMPANY,
    titles=("ĐƠN ĐỀ NGHỊ",),
    subtitle="Cấp Giấy phép bán buôn sản phẩm thuốc lá",
    kinh_gui="Kính gửi: Sở Công Thương tỉnh {province}.",
    draws=(*_FIRM, ("head_office", Address(urban=True)), ("phone", Phone()), ("director", Person(female=False))),
    phrases={"tobacco": _TOBACCO},
    body=(
        flush("Tên thương nhân: {company}", before=8),
        flush("Địa chỉ trụ sở chính: {head_office}"),
        flush("Điện thoại: {phone}"),
        Para("Đề nghị Sở Công Thương xem xét cấp Giấy phép bán buôn sản phẩm thuốc lá cho {company}."),
        Para("{company} cam kết thực hiện đúng quy định tại {tobacco}./."),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT."),
    signer=SignerSpec(DIRECTOR, name="{director}", note="(Ký tên, đóng dấu)"),
    trich_yeu="Đơn đề nghị {subtitle:lcfirst}",
    chu_the="{company}",
)

KE_HOACH_ATTP = Kind(
    doc_type="ke_hoach",
    doc_subtype="kh_kiem_tra_attp",
    field_code="an_toan_thuc_pham",
    issuer=SO_CONG_THUONG_ANY,
    titles=("KẾ HOẠCH",),
    subtitle="Kiểm tra điều kiện an toàn thực phẩm đối với cơ sở thuộc thẩm quyền quản lý của ngành Công Thương năm 2025",
    draws=(("sites", Int(25, 70)), ("signer", Person(female=False))),
    phrases={"food": _FOOD},
    body=(
        Para("Căn cứ {food};", before=6),
        heading("I. MỤC ĐÍCH, YÊU CẦU", before=6),
        Para("Kiểm tra việc chấp hành quy định về an toàn thực phẩm của {sites} cơ sở sản xuất, kinh doanh."),
        heading("II. NỘI DUNG KIỂM TRA", before=6),
        Para(
            "Điều kiện cơ sở vật chất, trang thiết bị; giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm; kiến "
            "thức an toàn thực phẩm của người trực tiếp sản xuất. Các cơ sở sản xuất rượu thủ công được kiểm tra "
            "lồng ghép./."
        ),
    ),
    noi_nhan=("- UBND tỉnh (b/c);", "- Lưu: VT, QLCN."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
)

GIAY_MOI_XTTM = Kind(
    doc_type="giay_moi",
    doc_subtype="gm_hoi_nghi",
    field_code="xuc_tien_thuong_mai",
    issuer=SO_CONG_THUONG_ANY,
    titles=("GIẤY MỜI",),
    subtitle="Dự Hội nghị kết nối cung cầu hàng hóa năm 2024",
    draws=(("room", Int(1, 5)), ("signer", Person())),
    body=(
        Para(
            "Sở Công Thương tỉnh {province} trân trọng kính mời đại diện lãnh đạo doanh nghiệp, hợp tác xã dự Hội "
            "nghị kết nối cung cầu hàng hóa năm 2024 trong khuôn khổ Chương trình xúc tiến thương mại của tỉnh.",
            before=6,
        ),
        Para("Thời gian: 08 giờ 00 phút, thứ Năm, ngày 12 tháng 12 năm 2024."),
        Para("Địa điểm: Hội trường tầng {room}, Sở Công Thương tỉnh {province}./."),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
)

CV_HOA_CHAT = Kind(
    doc_type="cong_van",
    doc_subtype="cv_hoa_chat",
    field_code="hoa_chat",
    issuer=CUC_HOA_CHAT,
    titles=(),
    vv="V/v báo cáo tình hình sản xuất, kinh doanh hóa chất năm 2024",
    kinh_gui="Kính gửi: Sở Công Thương các tỉnh, thành phố trực thuộc trung ương.",
    draws=(("signer", Person(female=False)),),
    body=(
        Para(
            "Căn cứ {nd113_2017}, Cục Hóa chất đề nghị Sở Công Thương các tỉnh, thành phố tổng hợp tình hình sản "
            "xuất, kinh doanh, sử dụng hóa chất năm 2024 trên địa bàn và gửi về Cục trước ngày 15 tháng 01 năm "
            "2025./.",
            before=6,
        ),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT, QLHC."),
    signer=SignerSpec(("KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG")),
    trich_yeu="{vv}",
)

BAO_CAO_RUOU_HUYEN = Kind(
    doc_type="bao_cao",
    doc_subtype="bc_ruou_huyen",
    field_code="ruou",
    issuer=PHONG_KINH_TE_HUYEN,
    titles=("BÁO CÁO",),
    subtitle="Tình hình cấp giấy phép bán lẻ rượu trên địa bàn huyện {district} năm 2024",
    draws=(("licences", Int(8, 40)), ("revoked", Less("licences", Int(5, 8))), ("signer", Person())),
    body=(
        Para(
            "Thực hiện {nd105_2017}, trong năm 2024 Phòng đã cấp {licences} giấy phép bán lẻ rượu, thu hồi "
            "{revoked} giấy phép; phối hợp kiểm tra các cơ sở kinh doanh thuốc lá và thực phẩm trên địa bàn.",
            before=6,
        ),
        Para("Phòng báo cáo để Ủy ban nhân dân huyện và Sở Công Thương biết, chỉ đạo./."),
    ),
    noi_nhan=("- UBND huyện (b/c);", "- Sở Công Thương;", "- Lưu: VT."),
    signer=SignerSpec(("TRƯỞNG PHÒNG",)),
)

WIDENED_KINDS = {
    "gp_ban_buon_thuoc_la": GP_BAN_BUON_THUOC_LA,
    "gp_ban_le_thuoc_la": GP_BAN_LE_THUOC_LA,
    "gcn_xang_dau": GCN_XANG_DAU,
    "gp_dien_luc": GP_DIEN_LUC,
    "cv_xang_dau": CV_XANG_DAU,
    "to_trinh_khi": TO_TRINH_KHI,
    "cv_cong_ty_xang_dau": CV_CONG_TY_XANG_DAU,
    "cv_cong_ty_khuyen_mai": CV_CONG_TY_KHUYEN_MAI,
    "don_thuoc_la": DON_THUOC_LA,
    "ke_hoach_attp": KE_HOACH_ATTP,
    "giay_moi_xttm": GIAY_MOI_XTTM,
    "cv_hoa_chat": CV_HOA_CHAT,
    "bao_cao_ruou_huyen": BAO_CAO_RUOU_HUYEN,
}
