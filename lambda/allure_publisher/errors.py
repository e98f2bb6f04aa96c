"""The publisher's exceptions: small, named for what went wrong, each with a message for people.

A `RejectedUpload` is the uploader's fault and retrying cannot help; anything else that is a
`PublishError` may succeed when run again.
"""


class PublishError(Exception):
    """A publish did not complete."""


class SettingsError(PublishError, ValueError):
    """An environment variable of the publisher holds a value it cannot use."""


class RejectedUpload(PublishError):
    """The upload is refused; nothing was written under the reports prefix.

    `reason` is a short stable code for logs and metrics; the message says what and why.
    """

    reason = "rejected"


class BadName(RejectedUpload):
    """A project, branch or run name is empty or has characters outside [A-Za-z0-9._-]."""

    reason = "bad-name"


class NotAZip(RejectedUpload):
    """The upload is not a readable zip archive."""

    reason = "not-a-zip"


class EmptyArchive(RejectedUpload):
    """The zip holds no files."""

    reason = "empty"


class UnsafeEntry(RejectedUpload):
    """An entry would land outside the run's folder, or is a link, or cannot be read safely."""

    reason = "unsafe-entry"


class DuplicateEntry(RejectedUpload):
    """Two entries of the zip have the same name."""

    reason = "duplicate-entry"


class MissingIndexHtml(RejectedUpload):
    """The zip has no index.html at its root, nor under a single top folder."""

    reason = "no-index-html"


class LimitExceeded(RejectedUpload):
    """The zip's central directory declares more bytes, entries or compression than allowed."""

    reason = "limit"


class CorruptArchive(RejectedUpload):
    """An entry's data did not match its central directory record while it was being read."""

    reason = "corrupt"


class IndexConflict(PublishError):
    """A conditional write of an index lost to concurrent writers too many times in a row."""
