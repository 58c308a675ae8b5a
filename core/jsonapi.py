"""JSON endpoints' shared shape: how a body is read and how an error is answered.

Every error is ``{"error": "字段: 原因", ...}`` with a 4xx status, Chinese kept readable
(``ensure_ascii=False``), so a phone script or a developer sees what to fix.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse


class BadJsonBody(ValueError):
    """The body is not JSON the endpoint can read; ``status`` is the answer to give."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def json_error(message: str, status: int, **extra: Any) -> JsonResponse:
    return json_response({"error": message, **extra}, status=status)


def read_json_body(request: HttpRequest, *, require_content_type: bool = False) -> Any:
    """The decoded body; raises BadJsonBody (415 for a wrong Content-Type, else 400)."""
    if require_content_type and request.content_type != "application/json":
        raise BadJsonBody("Content-Type: 必须是 application/json", 415)
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadJsonBody(f"body: 不是合法的 JSON（{error.__class__.__name__}）") from None
    except RecursionError:  # "[[[[…" nested deeper than the decoder can follow
        raise BadJsonBody("body: JSON 嵌套层数太多") from None
    except ValueError:  # a number of more than 4,300 digits
        raise BadJsonBody("body: JSON 中的数字太长") from None
