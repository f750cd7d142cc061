"""The masking rules at their boundaries: what a masked value keeps, and that a value too
short or malformed to keep anything of is masked whole."""

import pytest

from privacy.masking import MASK, mask_citizen_id, mask_email, mask_phone, mask_text


@pytest.mark.parametrize("mask", [mask_citizen_id, mask_phone, mask_email, mask_text])
@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_value_stays_empty(mask, empty):
    assert mask(empty) == ""


def test_a_citizen_id_keeps_its_province_code_and_last_two_digits():
    assert mask_citizen_id("001080000001") == "001•••••••01"
    assert len(mask_citizen_id("058075123456")) == 12
    assert "123" not in mask_citizen_id("058075123456")


@pytest.mark.parametrize(
    "value",
    ["12345", "00108000000", "0010800000011", "00108000000A", "001 080 000 001", "٠٠١٠٨٠٠٠٠٠٠١"],
)
def test_anything_but_twelve_ascii_digits_is_masked_whole(value):
    assert mask_citizen_id(value) == MASK


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("0912345678", "•••••••678"),
        ("+84912345678", "•••••••••678"),
        ("0912 345 678", "•••••••••678"),
        ("1234567", "••••567"),
        ("123456", MASK),
        ("113", MASK),
    ],
)
def test_a_phone_keeps_its_last_three_digits_when_long_enough(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("nguyen.van.an@gmail.com", "n•••@gmail.com"),
        ("a@congdoan.vn", "a•••@congdoan.vn"),
        ("x@y@example.org", "x•••@example.org"),
        ("no-domain", MASK),
        ("@example.org", MASK),
        ("someone@", MASK),
    ],
)
def test_an_email_keeps_its_first_character_and_its_domain(value, masked):
    assert mask_email(value) == masked


def test_an_address_is_masked_whole():
    assert mask_text("Số 1 Trần Hưng Đạo, Hoàn Kiếm") == MASK
