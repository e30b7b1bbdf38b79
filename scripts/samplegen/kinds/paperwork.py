"""Kinds that are not procedure results: reports, submissions, applications, minutes, notices, receipts."""

from __future__ import annotations

from ..agencies import APPLICANT, SO_CONG_THUONG, UBND_TINH
from ..draws import Int, Less, Person, Phone, TaxCode
from ..schema import DEPUTY_DIRECTOR, DIRECTOR, Kind, SignerSpec, basis, centred, flush, heading
from ..spec import Para

BAO_CAO_CCHC = Kind(
    doc_type="bao_cao",
    doc_subtype="bc_cchc",
    field_code="cai_cach_hanh_chinh",
    issuer=SO_CONG_THUONG,
    titles=("BÁO CÁO",),
    subtitle="Kết quả thực hiện công tác cải cách hành chính quý III năm 2024",
    draws=(
        ("received", Int(380, 460)),
        ("online", Less("received", Int(5, 25))),
        ("on_time", Less("received", 3)),
        ("signer", Person(female=False)),
    ),
    body=(
        Para(
            "Thực hiện Kế hoạch cải cách hành chính năm 2024 của Ủy ban nhân dân tỉnh {province}, Sở Công Thương "
            "báo cáo kết quả thực hiện công tác cải cách hành chính quý III năm 2024 như sau:",
            before=6,
        ),
        heading("I. KẾT QUẢ THỰC HIỆN", before=6),
        heading("1. Công tác chỉ đạo, điều hành"),
        Para(
            "Sở Công Thương đã ban hành kế hoạch, văn bản chỉ đạo triển khai nhiệm vụ cải cách hành chính đến các "
            "phòng chuyên môn; gắn kết quả thực hiện nhiệm vụ với đánh giá, xếp loại công chức hằng tháng."
        ),
        heading("2. Cải cách thể chế"),
        Para(
            "Trong quý, Sở đã tham mưu trình Ủy ban nhân dân tỉnh ban hành 02 quyết định quy phạm pháp luật; rà "
            "soát 14 văn bản thuộc lĩnh vực công thương, không phát hiện văn bản trái pháp luật."
        ),
        heading("3. Cải cách thủ tục hành chính"),
        Para(
            "Sở đã tiếp nhận {received} hồ sơ thủ tục hành chính, trong đó {online} hồ sơ nộp trực tuyến; đã giải "
            "quyết đúng hạn {on_time} hồ sơ, 03 hồ sơ đang trong thời hạn giải quyết, không có hồ sơ quá hạn. Tỷ "
            "lệ hồ sơ được số hóa kết quả giải quyết đạt 96,5%."
        ),
        Para(
            "Sở đã công bố, công khai đầy đủ các thủ tục hành chính thuộc thẩm quyền giải quyết trên Cổng Dịch vụ "
            "công quốc gia và Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh."
        ),
        heading("4. Cải cách tổ chức bộ máy"),
        Para(
            "Sở tiếp tục rà soát chức năng, nhiệm vụ của các phòng chuyên môn; thực hiện tinh giản biên chế theo "
            "lộ trình, không phát sinh đầu mối tổ chức mới."
        ),
        heading("5. Xây dựng chính quyền điện tử, chính quyền số"),
        Para(
            "100% văn bản đi, đến được xử lý trên hệ thống quản lý văn bản và điều hành; 100% công chức sử dụng "
            "chữ ký số trong giải quyết công việc."
        ),
        heading("II. TỒN TẠI, HẠN CHẾ", before=6),
        Para(
            "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính được cấp trước ngày 01 tháng 7 năm 2022 còn "
            "chậm; một số thủ tục có tỷ lệ nộp hồ sơ trực tuyến toàn trình còn thấp."
        ),
        heading("III. NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2024", before=6),
        Para(
            "1. Đẩy mạnh số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực, bảo đảm hoàn thành chỉ tiêu "
            "được giao trong năm 2024."
        ),
        Para("2. Tiếp tục rà soát, đơn giản hóa thủ tục hành chính nội bộ và thủ tục có phát sinh hồ sơ lớn."),
        Para(
            "Trên đây là báo cáo kết quả công tác cải cách hành chính quý III năm 2024 của Sở Công Thương tỉnh "
            "{province}./."
        ),
    ),
    noi_nhan=("- Sở Nội vụ;", "- Văn phòng UBND tỉnh;", "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, VP."),
    signer=SignerSpec(DIRECTOR),
)

TO_TRINH_XTTM = Kind(
    doc_type="to_trinh",
    doc_subtype="ttr_xttm",
    field_code="xuc_tien_thuong_mai",
    issuer=SO_CONG_THUONG,
    titles=("TỜ TRÌNH",),
    subtitle="Về việc phê duyệt Chương trình xúc tiến thương mại tỉnh {province} năm 2025",
    kinh_gui="Kính gửi: Ủy ban nhân dân tỉnh {province}.",
    # the budget in billions and hundreds of millions of đồng
    draws=(("budget_bn", Int(18, 30)), ("budget_100m", Int(1, 10)), ("signer", Person(female=True))),
    body=(
        Para("Căn cứ {nd81_2018};", before=6),
        Para("Căn cứ {qd26_2022};"),
        Para(
            "Trên cơ sở đề xuất của các sở, ngành, hiệp hội và doanh nghiệp, Sở Công Thương đã tổng hợp, thẩm "
            "định và xây dựng Chương trình xúc tiến thương mại tỉnh {province} năm 2025 với các nội dung chính "
            "như sau:"
        ),
        heading("1. Mục tiêu"),
        Para(
            "Hỗ trợ doanh nghiệp, hợp tác xã quảng bá, tiêu thụ sản phẩm chủ lực của tỉnh; mở rộng thị trường "
            "trong nước và xuất khẩu; phát triển thương mại điện tử."
        ),
        heading("2. Nội dung"),
        Para(
            "Tổ chức 03 hội chợ thương mại cấp tỉnh; hỗ trợ 40 lượt doanh nghiệp tham gia hội chợ trong nước; tổ "
            "chức 02 hội nghị kết nối cung cầu; đào tạo kỹ năng bán hàng trực tuyến cho 150 hộ kinh doanh."
        ),
        heading("3. Kinh phí thực hiện"),
        Para(
            "Tổng kinh phí dự kiến {budget_bn}.{budget_100m}00.000.000 đồng từ nguồn ngân sách tỉnh, trong đó kinh "
            "phí hỗ trợ doanh nghiệp chiếm 65%, kinh phí tổ chức hội chợ, hội nghị chiếm 35%."
        ),
        heading("4. Tổ chức thực hiện", before=0, page_break=True),
        Para(
            "Sở Công Thương chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân các huyện, thành phố tổ chức "
            "thực hiện Chương trình; định kỳ báo cáo kết quả với Ủy ban nhân dân tỉnh."
        ),
        Para(
            "Sở Công Thương kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt Chương trình xúc tiến thương mại "
            "tỉnh {province} năm 2025./."
        ),
    ),
    noi_nhan=("- Như trên;", "- Sở Tài chính;", "- Lưu: VT, QLTM."),
    signer=SignerSpec(DIRECTOR),
)

# For a dossier with ``company``, ``company_address`` and ``director``.
DON_LPG = Kind(
    doc_type="don_de_nghi",
    doc_subtype="don_gcn_mua_ban_lpg",
    field_code="khi",
    issuer=APPLICANT,
    titles=("ĐƠN ĐỀ NGHỊ",),
    subtitle="Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
    kinh_gui="Kính gửi: Sở Công Thương tỉnh {province}.",
    draws=(("phone", Phone()), ("tax_code", TaxCode())),
    body=(
        flush("Tên thương nhân: {company}", before=8),
        flush("Địa chỉ trụ sở chính: {company_address}"),
        flush("Điện thoại: {phone}"),
        flush(
            "Giấy chứng nhận đăng ký doanh nghiệp số {tax_code} do Sở Kế hoạch và Đầu tư tỉnh {province} cấp lần "
            "đầu ngày 16 tháng 3 năm 2020."
        ),
        Para(
            "Đề nghị Sở Công Thương tỉnh {province} xem xét cấp Giấy chứng nhận đủ điều kiện thương nhân kinh "
            "doanh mua bán LPG cho {company}."
        ),
        Para(
            "{company} xin cam kết thực hiện đúng các quy định tại {nd87_2018} và các văn bản pháp luật có liên "
            "quan. Nếu sai, chúng tôi xin hoàn toàn chịu trách nhiệm trước pháp luật./."
        ),
    ),
    noi_nhan=("- Như trên;", "- Lưu: VT."),
    signer=SignerSpec(DIRECTOR, name="{director}", note="(Ký tên, đóng dấu)"),
    trich_yeu="Đơn đề nghị {subtitle:lcfirst}",
    chu_the="{company}",
)

# For a dossier with ``company``; ``issued`` is the day of the inspection.
BIEN_BAN_ATTP = Kind(
    doc_type="bien_ban",
    doc_subtype="bb_tham_dinh_attp",
    field_code="an_toan_thuc_pham",
    issuer=SO_CONG_THUONG,
    titles=("BIÊN BẢN",),
    subtitle="Thẩm định điều kiện an toàn thực phẩm",
    draws=(("head", Person(female=False)), ("member", Person(female=True)), ("representative", Person())),
    body=(
        Para(
            "Hôm nay, vào hồi 08 giờ 30 phút {issued}, tại cơ sở sản xuất của {company}, Đoàn thẩm định thành "
            "lập theo Quyết định số 87/QĐ-SCT ngày 31 tháng 5 năm 2024 của Giám đốc Sở Công Thương tiến hành thẩm "
            "định điều kiện an toàn thực phẩm đối với cơ sở.",
            before=6,
        ),
        heading("I. THÀNH PHẦN", before=4),
        Para(
            "1. Đoàn thẩm định: Ông {head}, Phó Trưởng phòng Quản lý công nghiệp, Trưởng đoàn; Bà {member}, "
            "chuyên viên, thành viên."
        ),
        Para("2. Đại diện cơ sở: Ông {representative}, Giám đốc."),
        heading("II. NỘI DUNG THẨM ĐỊNH", before=4),
        Para(
            "Đoàn đã kiểm tra hồ sơ pháp lý, điều kiện cơ sở vật chất, trang thiết bị, dụng cụ và điều kiện về "
            "con người của cơ sở. Khu vực sản xuất được bố trí theo nguyên tắc một chiều; nguồn nước đạt quy "
            "chuẩn; người trực tiếp sản xuất đã được tập huấn kiến thức an toàn thực phẩm và khám sức khỏe."
        ),
        heading("III. KẾT LUẬN", before=4),
        Para(
            "Cơ sở đủ điều kiện an toàn thực phẩm theo quy định. Đoàn thẩm định đề nghị Sở Công Thương cấp Giấy "
            "chứng nhận cơ sở đủ điều kiện an toàn thực phẩm cho cơ sở."
        ),
        Para(
            "Biên bản kết thúc vào hồi 10 giờ 45 phút cùng ngày, được lập thành 02 bản có giá trị như nhau, mỗi "
            "bên giữ 01 bản./."
        ),
    ),
    signer=SignerSpec(("TRƯỞNG ĐOÀN",), name="{head}", seal=False),
    left_signer=SignerSpec(("ĐẠI DIỆN CƠ SỞ",), name="{representative}", seal=False),
    chu_the="{company}",
)

# The document gives ``company`` (the inspected business).
THONG_BAO_DIEN = Kind(
    doc_type="thong_bao",
    doc_subtype="tb_ket_luan_kiem_tra",
    field_code="dien_luc",
    issuer=SO_CONG_THUONG,
    titles=("THÔNG BÁO",),
    subtitle="Kết luận kiểm tra hoạt động điện lực tại {company}",
    draws=(("signer", Person(female=False)),),
    body=(
        Para(
            "Thực hiện Kế hoạch kiểm tra năm 2024, ngày 30 tháng 7 năm 2024 Đoàn kiểm tra của Sở Công Thương đã "
            "kiểm tra việc chấp hành quy định pháp luật về hoạt động điện lực tại {company}. Sở Công Thương "
            "thông báo kết luận như sau:",
            before=6,
        ),
        Para(
            "1. Đơn vị có Giấy phép hoạt động điện lực lĩnh vực phát điện còn hiệu lực; đã xây dựng và thực hiện "
            "quy trình vận hành hồ chứa, phương án bảo đảm an toàn đập theo quy định."
        ),
        Para(
            "2. Tồn tại: chưa cập nhật đầy đủ sổ nhật ký vận hành; một số biển báo an toàn điện tại trạm biến áp "
            "bị mờ, chưa được thay thế."
        ),
        Para(
            "3. Yêu cầu đơn vị khắc phục các tồn tại nêu trên trước ngày 30 tháng 9 năm 2024 và báo cáo kết quả "
            "về Sở Công Thương (qua phòng Quản lý năng lượng)."
        ),
        Para("Sở Công Thương thông báo để đơn vị biết và thực hiện./."),
    ),
    noi_nhan=("- {company};", "- Giám đốc Sở (b/c);", "- Lưu: VT, QLNL."),
    signer=SignerSpec(DEPUTY_DIRECTOR),
    chu_the="{company}",
)

# For a dossier with ``company``, ``company_address`` and ``director``; a receipt carries no number.
BIEN_NHAN_LPG = Kind(
    doc_type="giay_bien_nhan",
    doc_subtype="bien_nhan",
    field_code="khi",
    issuer=SO_CONG_THUONG,
    titles=("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",),
    draws=(("clerk", Person(female=True)), ("phone", Phone())),
    body=(
        Para("Mã hồ sơ: {ma_ho_so}", style="B", align="center", indent=0, before=4, role="ma_ho_so"),
        flush("Bộ phận Tiếp nhận và Trả kết quả Sở Công Thương tỉnh {province}", before=8),
        flush("Tiếp nhận hồ sơ của: {company}"),
        flush("Địa chỉ: {company_address}"),
        flush("Số điện thoại: {phone}"),
        flush("Nội dung yêu cầu giải quyết: Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG"),
        flush("1. Thành phần hồ sơ nộp gồm:"),
        flush("- Đơn đề nghị cấp Giấy chứng nhận: 01 bản chính;"),
        flush("- Giấy chứng nhận đăng ký doanh nghiệp: 01 bản sao;"),
        flush("- Tài liệu chứng minh các điều kiện kinh doanh: 01 bộ."),
        flush("2. Số lượng hồ sơ: 01 bộ."),
        flush("3. Thời gian giải quyết hồ sơ theo quy định: 15 ngày làm việc."),
        flush("4. Thời gian nhận hồ sơ: 09 giờ 15 phút, {issued}."),
        flush("5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 24 tháng 7 năm 2024."),
        flush("6. Đăng ký nhận kết quả tại: Bộ phận Một cửa Sở Công Thương."),
    ),
    signer=SignerSpec(("NGƯỜI TIẾP NHẬN HỒ SƠ",), name="{clerk}", note="(Ký và ghi rõ họ tên)", seal=False),
    left_signer=SignerSpec(("NGƯỜI NỘP HỒ SƠ",), name="{director}", note="(Ký và ghi rõ họ tên)", seal=False),
    trich_yeu="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    chu_the="{company}",
)

QD_UBND_XANG_DAU = Kind(
    doc_type="quyet_dinh",
    doc_subtype="qd_ubnd_ke_hoach_kt",
    field_code="xang_dau",
    issuer=UBND_TINH,
    titles=("QUYẾT ĐỊNH",),
    subtitle="Về việc ban hành Kế hoạch kiểm tra hoạt động kinh doanh xăng dầu trên địa bàn tỉnh {province} năm 2024",
    draws=(("signer", Person(female=False)),),
    body=(
        centred("{authority}", before=6),
        basis("{can_cu_org}", before=4),
        basis("Căn cứ {nd83_2014};"),
        basis("Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 49/TTr-SCT ngày 20 tháng 8 năm 2024."),
        centred("QUYẾT ĐỊNH:", before=6),
        Para(
            "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm tra hoạt động kinh doanh xăng dầu trên địa "
            "bàn tỉnh {province} năm 2024.",
            before=4,
        ),
        Para(
            "Điều 2. Giao Sở Công Thương chủ trì, phối hợp với Công an tỉnh, Cục Quản lý thị trường và Ủy ban "
            "nhân dân các huyện, thành phố tổ chức thực hiện Kế hoạch; tổng hợp kết quả báo cáo Ủy ban nhân dân "
            "tỉnh trước ngày 15 tháng 12 năm 2024."
        ),
        Para(
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở "
            "Công Thương, Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."
        ),
    ),
    noi_nhan=("- Như Điều 3;", "- Bộ Công Thương (b/c);", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, KT."),
    signer=SignerSpec(("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
)
