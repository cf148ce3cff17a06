"""A booking's iCalendar file at /venues/bookings/<id>.ics, for the booker's phone calendar.

The booker's access token travels in the Authorization header, never in the URL (the request
guard refuses tokens there). Without a valid token: 401; a booking that is not the caller's
own, or does not exist: 404, alike, so nothing is learnt about other people's bookings.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from community import bookings
from community.booking_calendar import booking_ics
from gateway.scopes import request_scope
from gateway.services import Services
from resolvers import venues
from resolvers.ids import INT32_MAX
from schema.codes import TopLevelCode
from schema.context import bearer_token

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


def _refused(status: int, message: str, code: TopLevelCode, challenge: str) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]},
        status_code=status,
        headers={"WWW-Authenticate": challenge} if challenge else None,
    )


def calendar_route(services: Services) -> Route:
    async def booking_calendar(request: Request) -> Response:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return _refused(401, "You need to log in.", TopLevelCode.UNAUTHENTICATED, "Bearer")
        user_id = services.tokens.user_id_from(token)
        if user_id is None:
            return _refused(
                401,
                "The access token is not valid.",
                TopLevelCode.TOKEN_INVALID,
                'Bearer error="invalid_token"',
            )
        scope = request_scope(services.settings, user_id)
        viewer = await scope.viewer()
        if viewer is None:
            return _refused(
                401,
                "The access token is not valid.",
                TopLevelCode.TOKEN_INVALID,
                'Bearer error="invalid_token"',
            )
        booking_id: int = request.path_params["booking_id"]
        booking = (
            await bookings.own_booking(actor=viewer, booking_id=booking_id)
            if booking_id <= INT32_MAX
            else None
        )
        if booking is None:
            return JSONResponse({"errors": [{"message": "No such booking."}]}, status_code=404)
        venue = await venues.venue(scope, booking.venue_id)
        assert venue is not None  # a foreign key with RESTRICT
        return Response(
            booking_ics(booking, venue),
            media_type=ICS_MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"',
                "Cache-Control": "private, no-store",
            },
        )

    return Route("/venues/bookings/{booking_id:int}.ics", booking_calendar, methods=["GET"])
