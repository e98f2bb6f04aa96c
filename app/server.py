"""The course app's placeholder: a tiny HTTP service on port 8080 that answers who it is.

Stdlib only, so the image needs nothing installed. It runs as any non-root user and writes
nothing to disk, which suits `docker run --read-only --user <uid>` on the instances.
"""

import json
import logging
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = os.environ.get("APP_VERSION", "dev")
PORT = int(os.environ.get("PORT", "8080"))

log = logging.getLogger("app")


class AppHandler(BaseHTTPRequestHandler):
    server_version = "qea-app"

    def do_GET(self) -> None:
        if self.path in ("/", "/health"):
            self._answer(200, {"app": "qea", "version": VERSION, "status": "ok"})
        else:
            self._answer(404, {"error": "not found", "path": self.path})

    def _answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        # One JSON line per request, for CloudWatch Logs, instead of http.server's text.
        log.info(
            json.dumps(
                {"time": time.time(), "client": self.client_address[0], "request": format % args}
            )
        )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    server = ThreadingHTTPServer(("0.0.0.0", PORT), AppHandler)
    # docker stop sends SIGTERM; leaving through SystemExit closes the socket on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log.info(json.dumps({"event": "listening", "port": PORT, "version": VERSION}))
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
