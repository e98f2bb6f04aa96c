"""`python -m allure_publisher ...`: see cli.py."""

from .cli import main

raise SystemExit(main())
