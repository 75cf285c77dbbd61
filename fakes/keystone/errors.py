"""Keystone's typed errors. Each carries the HTTP status, title and message of keystone's body:
`{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`."""
from __future__ import annotations


class KeystoneError(Exception):
    code = 500
    title = "Internal Server Error"
    default_message = "An unexpected error prevented the server from fulfilling your request."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def body(self) -> dict:
        return {"error": {"code": self.code, "title": self.title, "message": self.message}}


class BadRequest(KeystoneError):
    code = 400
    title = "Bad Request"
    default_message = "The request you have made is malformed."


class Unauthorized(KeystoneError):
    code = 401
    title = "Unauthorized"
    default_message = "The request you have made requires authentication."


class NotFound(KeystoneError):
    code = 404
    title = "Not Found"
    default_message = "Could not find token."
