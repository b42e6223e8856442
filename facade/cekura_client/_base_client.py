"""The one request path. Every resource method calls ``_request``: it builds the request with the
generated client's function for the operation, sends it through the shared transport, maps
transport errors and statuses to typed errors, and parses the body with the given model.
A resource cannot skip a step, because there is no other way to send.

``BaseClient`` holds what the sync and async clients share; ``SyncAPIClient`` and
``AsyncAPIClient`` differ only in how they send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, NoReturn, TypeVar

import httpx

from ._clock import Clock
from ._config import (
    NOT_GIVEN,
    ClientConfig,
    NotGiven,
    RequestTimeout,
    check_headers,
    check_timeout,
    total_of,
)
from ._deadline import Deadline
from ._deadline import attach as attach_deadline
from ._deadline import of as deadline_of
from ._deprecation import DeprecationNotices
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    CekuraError,
    InvalidRequestError,
    ResponseDecodingError,
    ResponseTooLargeError,
    ResponseValidationError,
    describe_request,
)
from ._operations import Operation, resolve
from ._response import Model, cause_text, connection_error, parse_response
from ._retry import NOT_SENT_ERRORS
from ._transport import AsyncRetryTransport, RetryTransport

__all__ = ["AsyncAPIClient", "BaseClient", "RequestTimeout", "SyncAPIClient"]

M = TypeVar("M")

Body = Mapping[str, Any]


def may_have_started(operation: Operation) -> str:
    """What an error says when a request that starts calls got no usable answer: it may have
    started them, and it was not sent again (a second send would place every call twice)."""
    return (
        f" The request may have reached Cekura, so its calls may have started (and be billed); "
        f"{operation.name} does not send it again. Check with client.results.list(agent_id=...) "
        "or `cekura-results list --agent ID` before starting it again."
    )


def _detached_cause(exc: BaseException, secret: str) -> BaseException | None:
    """A copy of ``exc`` to chain under the client's error: same type and message (the key, if
    it appears, replaced by ``***``), but no request (whose headers hold the key), no
    traceback and no chain of its own. None when ``exc`` cannot be rebuilt that way."""
    try:
        text = str(exc)
    except Exception:  # one we cannot render may carry anything
        return None
    try:
        return type(exc)(text.replace(secret, "***"))
    except Exception:  # a constructor with another signature: chain nothing
        return None


class BaseClient:
    """Configuration, clock and request building shared by :class:`Cekura` and
    :class:`AsyncCekura`."""

    _retry_transport: RetryTransport | AsyncRetryTransport

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self.__clock = Clock()
        self._deprecations = DeprecationNotices()

    @property
    def _clock(self) -> Clock:
        """The clock retries and polling read and sleep with (tests replace it)."""
        return self.__clock

    @_clock.setter
    def _clock(self, clock: Clock) -> None:
        self.__clock = clock
        self._retry_transport.clock = clock

    @property
    def base_url(self) -> httpx.URL:
        return self._config.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._config.timeout

    @property
    def total_timeout(self) -> float | None:
        """Seconds each call may take from start to finish, retries included (None: no
        bound)."""
        return self._config.total_timeout

    @property
    def max_retries(self) -> int:
        return self._config.retry_policy.max_retries

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        body: Body | None,
        timeout: RequestTimeout,
        extra_headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        if http.is_closed:
            raise InvalidRequestError(
                f"{type(self).__name__} is closed: make a new client (a client closed by its "
                "`with` block or close() sends nothing more)."
            )
        if not isinstance(timeout, NotGiven):
            timeout = check_timeout(timeout)
        extra_headers = check_headers(extra_headers, "extra_headers") or {}
        resolved = resolve(operation)
        unknown = sorted(set(params) - resolved.parameters)
        if unknown:
            raise InvalidRequestError(
                f"{operation.name}: {resolved.key} in the vendored spec takes no "
                f"{', '.join(unknown)} parameter; regenerate from a spec that has it"
            )
        # Path and query parameters go through the generated function; None means "not given".
        request_args = resolved.build_request(
            **{name: value for name, value in params.items() if value is not None}
        )
        headers = {**request_args.pop("headers", {}), **extra_headers}
        if body is not None:
            # Encoded here, not by httpx: NaN or an object JSON cannot hold is refused before
            # anything is sent, and the bytes are the same on every httpx version.
            request_args.pop("json", None)
            request_args["content"] = json.dumps(
                body, allow_nan=False, ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            return http.build_request(
                **request_args,
                headers=headers or None,
                timeout=httpx.USE_CLIENT_DEFAULT if isinstance(timeout, NotGiven) else timeout,
            )
        except (ValueError, TypeError, httpx.InvalidURL) as exc:
            raise InvalidRequestError(
                f"The request could not be built ({type(exc).__name__}): check extra_headers "
                "(header names and values are ASCII text without control characters)."
            ) from None

    def _deadline(self, timeout: RequestTimeout, outer: Deadline | None) -> Deadline | None:
        """This call's deadline: its own whole-call timeout, or the caller's (``wait``), whichever
        ends first."""
        if isinstance(timeout, NotGiven):
            total = self._config.total_timeout
        else:
            total = total_of(timeout, self._config.total_timeout)
        own = Deadline.after(self._clock, total) if total is not None else None
        if own is None:
            return outer
        return own.earliest(outer)

    def _connection_error(
        self,
        exc: httpx.TransportError,
        request: httpx.Request,
        deadline: Deadline | None,
        operation: Operation,
    ) -> APIConnectionError:
        note = ""
        if operation.starts_calls and not isinstance(exc, NOT_SENT_ERRORS):
            note = may_have_started(operation)
        # Refused, DNS, TLS (ConnectError) are named as such even when the deadline also
        # stopped the retries: the cause says more than the clock.
        if (
            deadline is not None
            and not isinstance(exc, httpx.ConnectError)
            and (deadline.expired() or _stopped_by_deadline(request))
        ):
            return APITimeoutError(
                f"Request did not finish within {deadline.total:g} s (the whole-call deadline, "
                f"retries included) for {describe_request(request)}.{note}",
                request=request,
            )
        return connection_error(exc, request, secret=self._config.api_key, note=note)

    def _send_error(
        self,
        exc: Exception,
        request: httpx.Request,
        deadline: Deadline | None,
        operation: Operation,
    ) -> tuple[CekuraError, BaseException]:
        """The client's error for what sending (and reading the answer) raised, and the cause to
        chain under it. Raises ``exc`` itself when it is not the client's to translate."""
        if isinstance(exc, httpx.TransportError):
            return self._connection_error(exc, request, deadline, operation), exc
        if isinstance(exc, httpx.HTTPError):
            # Raised by a caller's http_client (its transport or hooks): its ``request`` holds the
            # API key, so it never reaches the caller itself.
            note = may_have_started(operation) if operation.starts_calls else ""
            cause = cause_text(exc, self._config.api_key)
            error = APIConnectionError(
                f"The http_client failed the request ({cause}) for "
                f"{describe_request(request)}.{note}",
                request=request,
            )
            error.reason = cause
            return error, exc
        if isinstance(exc, _UNUSABLE_ANSWERS) and operation.starts_calls:
            # Answered, but the answer cannot be read: after a 2xx or a 5xx, the calls may well
            # have started (ResponseValidationError is raised for 2xx bodies only).
            status = getattr(exc, "status_code", None)
            if status is None or _may_have_started(status):
                exc._end_with(may_have_started(operation))
        raise exc

    def _raise(self, error: CekuraError, cause: BaseException) -> NoReturn:
        """Raise ``error`` chaining a detached copy of ``cause`` (type and message, never the
        request it was sent with: its headers hold the API key). Called outside ``except``
        blocks, so ``__context__`` stays empty."""
        raise error from _detached_cause(cause, self._config.api_key)

    def _finish(
        self,
        operation: Operation,
        params: Mapping[str, Any],
        response: httpx.Response,
        model: Model[M],
    ) -> M:
        self._deprecations.check(response, resolve(operation))
        # Only an error message names the subject: a success does not format it.
        subject = note = ""
        if not response.is_success:
            subject = operation.subject_of(params)
            if operation.starts_calls and _may_have_started(response.status_code):
                note = may_have_started(operation)
        return parse_response(response, model, subject, note=note)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, "
            f"max_retries={self.max_retries})"
        )


def _may_have_started(status: int) -> bool:
    """Whether a start answered with ``status`` may have started calls: a success, or a server
    error (which may come after the work began); a 4xx refused the request."""
    return status < 300 or status >= 500


#: Errors of a request that was answered, in an answer that cannot be used.
_UNUSABLE_ANSWERS: Final = (ResponseValidationError, ResponseTooLargeError, ResponseDecodingError)


def _stopped_by_deadline(request: httpx.Request) -> bool:
    carried = deadline_of(request)
    return carried is not None and carried.stopped


def _expired_before_sending(deadline: Deadline | None, request: httpx.Request) -> None:
    if deadline is not None and deadline.expired():
        # a connect timeout: nothing was sent, so a start says nothing of calls having started
        raise httpx.ConnectTimeout(
            "the deadline passed before the request was sent", request=request
        )


class SyncAPIClient(BaseClient):
    """Sends through one ``httpx.Client`` whose transport retries."""

    _http: httpx.Client

    def _request(
        self,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        model: Model[M],
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        deadline: Deadline | None = None,
        body: Body | None = None,
    ) -> M:
        request = self._build_request(
            self._http,
            operation,
            params,
            body=body,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        call_deadline = self._deadline(timeout, deadline)
        attach_deadline(request, call_deadline)
        try:
            _expired_before_sending(call_deadline, request)
            response = self._http.send(request)
            return self._finish(operation, params, response, model)
        except (httpx.HTTPError, APIError) as exc:
            error, cause = self._send_error(exc, request, call_deadline, operation)
        self._raise(error, cause)


class AsyncAPIClient(BaseClient):
    """Sends through one ``httpx.AsyncClient`` whose transport retries."""

    _http: httpx.AsyncClient

    async def _request(
        self,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        model: Model[M],
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        deadline: Deadline | None = None,
        body: Body | None = None,
    ) -> M:
        request = self._build_request(
            self._http,
            operation,
            params,
            body=body,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        call_deadline = self._deadline(timeout, deadline)
        attach_deadline(request, call_deadline)
        try:
            _expired_before_sending(call_deadline, request)
            response = await self._http.send(request)
            return self._finish(operation, params, response, model)
        except (httpx.HTTPError, APIError) as exc:
            error, cause = self._send_error(exc, request, call_deadline, operation)
        self._raise(error, cause)
