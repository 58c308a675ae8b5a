"""core.jsonapi: reading a JSON body and answering errors in one shape. No database."""

import json

import pytest
from django.test import RequestFactory

from core.jsonapi import BadJsonBody, json_error, json_response, read_json_body


@pytest.fixture
def rf():
    return RequestFactory()


def post(rf, body, content_type="application/json"):
    return rf.post("/api/", body, content_type=content_type)


def test_a_json_body_is_decoded(rf):
    body = {"events": [{"page": 5, "verb": "viewed"}], "name": "张三"}
    assert read_json_body(post(rf, json.dumps(body, ensure_ascii=False))) == body
    assert read_json_body(post(rf, "[1, 2]")) == [1, 2]  # any JSON: the caller checks shape


def test_content_type_is_checked_only_when_required(rf):
    request = post(rf, '{"page": 5}', content_type="text/plain")
    assert read_json_body(request) == {"page": 5}
    with pytest.raises(BadJsonBody) as error:
        read_json_body(request, require_content_type=True)
    assert error.value.status == 415
    assert error.value.message.startswith("Content-Type:")
    # Parameters after the media type are fine.
    request = post(rf, '{"page": 5}', content_type="application/json; charset=utf-8")
    assert read_json_body(request, require_content_type=True) == {"page": 5}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "JSONDecodeError"),
        ("", "JSONDecodeError"),
        ('{"page": 5', "JSONDecodeError"),
        (b"\xff\xfe{}", "UnicodeDecodeError"),
    ],
)
def test_a_body_that_is_not_json_is_a_400_naming_the_body(rf, body, reason):
    with pytest.raises(BadJsonBody) as error:
        read_json_body(post(rf, body))
    assert error.value.status == 400
    assert error.value.message == f"body: 不是合法的 JSON（{reason}）"
    assert str(error.value) == error.value.message


def test_errors_have_one_shape_with_readable_chinese():
    response = json_error("page: 页面不存在", 404, field="page")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"error": "page: 页面不存在", "field": "page"}
    assert "页面不存在".encode() in response.content  # not \u-escaped


def test_responses_may_be_lists():
    response = json_response([{"title": "井冈山"}], status=201)
    assert response.status_code == 201
    assert json.loads(response.content) == [{"title": "井冈山"}]


def test_deeply_nested_json_is_a_400_not_a_recursion_error(rf):
    with pytest.raises(BadJsonBody) as error:
        read_json_body(post(rf, "[" * 200_000))
    assert error.value.status == 400
    assert error.value.message.startswith("body:")
