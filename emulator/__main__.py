"""`python -m emulator start|stop|status|endpoint|fidelity`: the emulator from the command line.

`start` and `endpoint` print only the endpoint on stdout, so a Makefile can capture it; every
other message goes to stderr.
"""

import argparse
import logging
import sys
from pathlib import Path

from emulator import fidelity, server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument(
        "--state-dir", type=Path, help="where pid, port and log live (default: .emulator/)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="start moto with our models, or reuse the running one")
    commands.add_parser("stop", help="stop the emulator by its pid and remove its state")
    commands.add_parser("status", help="say whether the emulator runs, and where")
    commands.add_parser("endpoint", help="print http://localhost:<port>, or fail")
    report = commands.add_parser(
        "fidelity", help="per deployed stack: resources created, types accepted but not emulated"
    )
    report.add_argument("--cdk-out", type=Path, default=Path("cdk.out"))
    report.add_argument("--endpoint", help="default: the running emulator's")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        return _run(args)
    except server.EmulatorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "start":
        print(server.start(args.state_dir))
    elif args.command == "endpoint":
        print(server.endpoint(args.state_dir))
    elif args.command == "stop":
        state = server.stop(args.state_dir)
        if state.status == "stopped":
            print("emulator: was not running", file=sys.stderr)
        elif state.status == "stale":
            print(f"emulator: pid {state.pid} was not running; removed its files", file=sys.stderr)
    elif args.command == "status":
        state = server.status(args.state_dir)
        where = f" pid {state.pid} on {state.endpoint}" if state.pid else ""
        print(f"{state.status}{where}")
        return 0 if state.status == "running" else 3
    elif args.command == "fidelity":
        endpoint = args.endpoint or server.endpoint(args.state_dir)
        print(fidelity.format_summary(fidelity.summarize(endpoint, args.cdk_out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
