"""Fictional people, addresses and numbers, drawn from one seeded generator and never repeated within a set."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PROVINCE = "Bắc Sơn"  # fictional
PROVINCE_UP = "BẮC SƠN"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Hà", "Nông"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thế", "Đình", "Mạnh"]
MIDDLE_F = ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Sơn", "Cường", "Khánh", "Phúc", "Toàn", "Quyết", "Bình"]
GIVEN_F = ["Hoa", "Lan", "Hương", "Mai", "Thảo", "Huyền", "Nga", "Yến", "Trang", "Hằng", "Loan"]
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Bà Triệu", "Hùng Vương", "Nguyễn Du", "Lý Thái Tổ", "Phai Vệ", "Tam Thanh"]
WARDS = ["Tân Lập", "Hòa Bình", "Minh Khai", "Đồng Tâm", "Chi Lăng Mới"]
DISTRICTS = ["Vân Khê", "Thạch Lâm", "Tân Hà", "Kỳ Phong"]
COMMUNES = ["Hồng Phong", "Tân Mỹ", "Yên Trạch", "Quang Lang", "Bình Trung"]


class Names:
    """Draws from ``rng`` in call order: the same calls in the same order give the same set of documents."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def pick(self, seq: Sequence[str]) -> str:
        return str(seq[int(self.rng.integers(len(seq)))])

    def pick_new(self, seq: Sequence[str]) -> str:
        """Pick an item not handed out before (companies, people); any item once all have been used."""
        free = [x for x in seq if x not in self.used]
        choice = self.pick(free or seq)
        self.used.add(choice)
        return choice

    def person(self, female: bool | None = None) -> str:
        """A full name not handed out before; the sex is drawn (40 % female) when not given."""
        if female is None:
            female = bool(self.rng.random() < 0.4)
        while True:
            if female:
                name = f"{self.pick(SURNAMES)} {self.pick(MIDDLE_F)} {self.pick(GIVEN_F)}"
            else:
                name = f"{self.pick(SURNAMES)} {self.pick(MIDDLE_M)} {self.pick(GIVEN_M)}"
            if name not in self.used:
                self.used.add(name)
                return name

    def address(self, urban: bool | None = None) -> str:
        """A street address in the provincial city or a village address; drawn 60 % urban when not given."""
        if urban is None:
            urban = bool(self.rng.random() < 0.6)
        if urban:
            return (
                f"Số {int(self.rng.integers(2, 280))}, đường {self.pick(STREETS)}, phường {self.pick(WARDS)}, "
                f"thành phố {PROVINCE}, tỉnh {PROVINCE}"
            )
        return (
            f"Thôn Nà {self.pick(['Pàn', 'Lừa', 'Cạn', 'Hin'])}, xã {self.pick(COMMUNES)}, "
            f"huyện {self.pick(DISTRICTS)}, tỉnh {PROVINCE}"
        )

    def phone(self) -> str:
        return f"0205.{int(self.rng.integers(3000, 3999))}.{int(self.rng.integers(100, 999))}"

    def tax_code(self) -> str:
        return f"49{int(self.rng.integers(10**7, 10**8 - 1))}"
