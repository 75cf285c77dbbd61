"""Swift's typed errors, with the status line and swob's HTML explanation for the body."""
from __future__ import annotations


class SwiftError(Exception):
    status = 500
    title = "Internal Error"
    explanation = "The server has either erred or is incapable of performing the requested operation."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.explanation
        super().__init__(self.detail)

    def html(self) -> str:
        """swob's body for statuses with an explanation: `<html><h1>T</h1><p>E</p></html>`."""
        return f"<html><h1>{self.title}</h1><p>{self.explanation}</p></html>"


class BadRequest(SwiftError):
    status = 400
    title = "Bad Request"
    explanation = "The server could not comply with the request since it is either malformed or otherwise incorrect."


class Unauthorized(SwiftError):
    status = 401
    title = "Unauthorized"
    explanation = "This server could not verify that you are authorized to access the document you requested."


class Forbidden(SwiftError):
    status = 403
    title = "Forbidden"
    explanation = "Access was denied to this resource."


class NotFound(SwiftError):
    status = 404
    title = "Not Found"
    explanation = "The resource could not be found."


class Conflict(SwiftError):
    status = 409
    title = "Conflict"
    explanation = "There was a conflict when trying to complete your request."


class LengthRequired(SwiftError):
    status = 411
    title = "Length Required"
    explanation = "Missing Content-Length header."


class TempUrlInvalid(Unauthorized):
    """A temp URL that is forged, expired, for another method, or for an account with no key."""


class MethodNotAllowed(SwiftError):
    status = 405
    title = "Method Not Allowed"
    explanation = "The method is not allowed for this resource."


class UnprocessableEntity(SwiftError):
    status = 422
    title = "Unprocessable Entity"
    explanation = "Unable to process the contained instructions"
