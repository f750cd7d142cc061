import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from lib.vntext import collation_key, fold, split_full_name

VIETNAMESE = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệ"
    "ìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ĐĂÂÊÔƠƯ",
    max_size=30,
)


@given(VIETNAMESE)
def test_fold_is_the_same_for_nfc_and_nfd_input(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(VIETNAMESE)
def test_fold_leaves_only_unaccented_lowercase(text):
    assert all(c.isascii() for c in fold(text))


def test_fold_examples():
    assert fold("  Nguyễn   Đức  Thắng ") == "nguyen duc thang"


def test_collation_follows_the_vietnamese_alphabet():
    words = ["An", "Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đạt", "Ê", "Ơn", "Uyên", "Ưng", "Yến"]
    assert sorted(reversed(words), key=collation_key) == words


@given(VIETNAMESE, VIETNAMESE)
def test_collation_key_is_the_same_for_nfc_and_nfd(a, b):
    assert collation_key(unicodedata.normalize("NFD", a), b) == collation_key(
        unicodedata.normalize("NFC", a), b
    )


def test_split_full_name():
    assert split_full_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("Khai") == ("", "", "Khai")
