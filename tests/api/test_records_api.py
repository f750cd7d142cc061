"""Training done elsewhere recorded through the API (issue 21, point 11: "an integrator … cannot
… record training done elsewhere (no `POST` for external records)"), scoped and validated
exactly like "Thêm quá trình đào tạo" on a person's page (training.services
.external_record_create): nothing is written on a refusal, each refusal names its field."""

import pytest

from tests.api import ApiClient, fields_of
from training.models import TrainingRecord

RECORD = {
    "title": "Trung cấp lý luận chính trị - hành chính",
    "topics": ["union_general"],
    "hours": 400,
    "completed_on": "2024-06-28",
    "form": "in_service",
    "certificate_number": "TC-2024-0117",
}


def test_an_officer_records_training_done_elsewhere(tree):
    api = ApiClient(tree.melinh_officer)
    response = api.post("/records", {**RECORD, "person": tree.nguyen.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person_id"], body["title"], body["hours"], body["topics"]) == (
        tree.nguyen.pk,
        RECORD["title"],
        400,
        ["union_general"],
    )
    assert (body["training_class_id"], body["form"], body["certificate_number"]) == (
        None,
        "in_service",
        "TC-2024-0117",
    )
    # The same record as every other read of it: the list and the record itself.
    listed = api.get("/records", {"person": tree.nguyen.pk}).json()["items"]
    assert body["id"] in {r["id"] for r in listed}
    assert api.get(f"/records/{body['id']}").json() == body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"hours": 5001}, "hours"),
        ({"topics": []}, "topics"),
        ({"topics": ["no_such_topic"]}, "topics"),
        ({"completed_on": "2024-02-30"}, "completed_on"),
        ({"form": "by_pigeon"}, "form"),
        ({"title": ""}, "title"),
        ({"certificate_number": "x" * 31}, "certificate_number"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(tree, change, field):
    api = ApiClient(tree.melinh_officer)
    response = api.post("/records", {**RECORD, "person": tree.nguyen.pk, **change})
    assert response.status_code == 422, response.content
    assert field in {f.split(".")[0] for f in fields_of(response)}
    assert not TrainingRecord.objects.filter(title=RECORD["title"]).exists()


def test_someone_outside_the_subtree_cannot_be_given_a_record(tree):
    """Mê Linh's officer and Lê Văn Cường of Ninh Thuận: an error on `person`, nothing
    written; Hà Nội's inspector (read-only) may not write at all."""
    response = ApiClient(tree.melinh_officer).post("/records", {**RECORD, "person": tree.le.pk})
    assert response.status_code == 422 and fields_of(response) == {"person"}
    refused = ApiClient(tree.inspector).post("/records", {**RECORD, "person": tree.nguyen.pk})
    assert refused.status_code == 403
    assert not TrainingRecord.objects.filter(title=RECORD["title"]).exists()
