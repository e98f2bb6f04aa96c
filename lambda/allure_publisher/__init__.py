"""Publishes generated Allure reports (zips or folders) to S3 as browsable runs per project and
branch, with run indexes, a latest/ pointer, history for the next run's trends, and retention.

The Lambda entry point is `allure_publisher.handler.handler`; the command line is
`python -m allure_publisher`. Stdlib and boto3 only.
"""
