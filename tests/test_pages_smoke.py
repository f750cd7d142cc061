import pytest

URLS = [
    "/units/",
    "/people/",
    "/people/?q=nguyen",
    "/units/new/",
    "/people/new/",
    "/account/",
    "/account/password/",
    "/account/two-factor/",
]


@pytest.mark.parametrize("url", URLS)
def test_pages_render_for_a_provincial_officer(client, tree, url):
    client.force_login(tree.hanoi_officer)
    r = client.get(url)
    assert r.status_code == 200, r.content[:2000]


def unit_and_person_pages(tree) -> list[str]:
    return [
        f"/units/{tree.school.pk}/",
        f"/people/{tree.nguyen.pk}/",
        f"/units/?unit={tree.melinh.pk}",
        f"/people/{tree.nguyen.pk}/positions/new/",
    ]


def test_unit_and_person_pages_render(client, tree):
    client.force_login(tree.hanoi_officer)
    for url in unit_and_person_pages(tree):
        assert client.get(url).status_code == 200, url
