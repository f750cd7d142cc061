"""Vietnamese names and places for generated data, with realistic frequencies."""

# Family names with approximate national shares (percent).
FAMILY_NAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 1.5),
    ("Phan", 4.5), ("Vũ", 3.9), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
    ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6),
    ("Đoàn", 0.6), ("Lương", 0.5), ("Mai", 0.5), ("Cao", 0.4), ("Tạ", 0.3), ("Chu", 0.3),
]
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Ngọc", "Tiến",
               "Mạnh", "Đình", "Quốc", "Trọng"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim",
                 "Thúy", "Mai", "Bích", "Hải"]
MALE_GIVEN = ["An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hòa", "Hùng",
              "Huy", "Khánh", "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Thắng",
              "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Lâm", "Tài"]
FEMALE_GIVEN = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền",
                "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngọc", "Nhung", "Oanh",
                "Phương", "Quyên", "Thảo", "Thu", "Trang", "Tuyết", "Vân", "Yến", "Lý", "Ánh"]
ETHNICITIES = ["Kinh"] * 18 + ["Chăm", "Raglai"]  # Ninh Thuận has Chăm and Raglai communities

PLACES_HN = ["Tiền Phong", "Mê Linh", "Đại Thịnh", "Kim Hoa", "Thạch Đà", "Tráng Việt",
             "Văn Khê", "Chu Phan", "Tam Đồng", "Đông Anh", "Uy Nỗ", "Cổ Loa", "Vân Hà",
             "Dịch Vọng", "Nghĩa Đô", "Quan Hoa", "Yên Hòa", "Mai Dịch", "Trung Hòa"]
PLACES_NT = ["Phước Dân", "Phước Hậu", "Phước Thuận", "Phước Hải", "Phước Nam", "Phước Minh",
             "Cà Ná", "Nhị Hà", "Khánh Hải", "Tri Hải", "Nhơn Hải", "Thanh Hải", "Đô Vinh",
             "Bảo An", "Phủ Hà", "Kinh Dinh", "Mỹ Hương", "Văn Hải"]
COMPANY_TRADES = ["May mặc", "Điện tử", "Cơ khí", "Thực phẩm", "Da giày", "Xây dựng",
                  "Vận tải", "Nhựa", "Bao bì", "Dược phẩm", "Muối", "Năng lượng tái tạo"]
COMPANY_BRANDS = ["Hòa Phát", "Thành Công", "Minh Long", "Sao Việt", "Phú Thịnh", "Tân Á",
                  "Đại Dương", "An Khang", "Việt Hưng", "Nam Tiến", "Hồng Hà", "Trường Sơn"]
