"""The wire's models as the routes use them. The bodies themselves are defined once, in
``kiosk.wire``; this module only sends them."""
from __future__ import annotations

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from pydantic import BaseModel

from kiosk.server.errors import ApiError

from kiosk.wire.requests import (  # noqa: F401  (the routes' request bodies)
    CaseDeliveryRequest, CaseItemRequest, CaseProblemRequest, CaseProblemUpdate, CaseReceiptRequest,
    CaseReferralAnswer, CaseReferralRequest, CaseRequest, CaseStepRequest, FinishRequest, FollowUpClose, HealthReport,
    PublicCaseCode, PublicCaseRating, RatingRequest, ReferralClose, ReferralRequest, SessionRequest, TicketRequest,
    TransferRequest,
)


def answer(model: BaseModel, status: int = 200) -> Response:
    """A model as the JSON answer, serialised once: the busy routes skip FastAPI's second
    validation of what they return (their ``response_model`` still documents it)."""
    return Response(model.model_dump_json(by_alias=True), status_code=status, media_type="application/json")


async def known_query_only(request: Request) -> None:
    """A query parameter the operation does not take is refused, as an unknown body field is:
    a typo is an error, not a silent default. (The supervisor's pages, outside the API's
    document, read their own forms.) Async, so FastAPI runs it on the loop, not in a thread."""
    route = request.scope.get("route")
    if not request.query_params or route is None or not getattr(route, "include_in_schema", False):
        return
    known = _query_names(route.dependant)
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise ApiError(422, "invalid_request", f"不认识的参数 {unknown[0]!r}")


def _query_names(dependant: Dependant) -> set[str]:
    return {f.alias for f in dependant.query_params}.union(*(_query_names(d) for d in dependant.dependencies))
