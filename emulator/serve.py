"""The emulator's server process: our models first, then moto's server on a free port.

Run by `emulator.server.start()` as `python -m emulator.serve --port-file PATH`. It binds port 0
on 127.0.0.1, so the kernel picks a free port and no other process can take it between the
choice and the bind, then writes the port to the file for the parent to read.
"""

import argparse
import os
import signal
import sys
from pathlib import Path

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from emulator.registry import load_models

HOST = "127.0.0.1"


def _stop(signum: int, frame: object) -> None:
    sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator.serve")
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0, help="0 lets the kernel pick a free one")
    args = parser.parse_args(argv)

    models = load_models()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(HOST, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    port = server.server_address[1]
    # moto builds some URLs (Lambda's endpoint for its functions) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)

    partial = args.port_file.with_suffix(".partial")
    partial.write_text(f"{port}\n")
    partial.replace(args.port_file)
    print(f"emulator: moto on {HOST}:{port} with {len(models)} added models", flush=True)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        # Everything moto holds is in memory and goes with the process: skip the interpreter's
        # slow tidy-up of moto's modules, so `stop` returns at once.
        os._exit(0)


if __name__ == "__main__":
    main()
