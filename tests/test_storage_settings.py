"""Each storage settings rule: a failing input and the message it gets at synth."""

import json

import pytest

from settings import SettingsError, load_settings
from settings.storage import bucket_name_problems
from tests.conftest import cdk_context

KEY = r"environments\.dev\.storage\."


def storage_settings(env: str = "dev", **overrides):
    context = cdk_context(env=env, **{f"storage.{k}": v for k, v in overrides.items()})
    return load_settings(context).environment.storage


def with_rule(**rule) -> str:
    return json.dumps({"rules": [{"id": "Custom", **rule}]})


def transitions(*pairs) -> list[dict]:
    return [{"storage_class": storage_class, "days": days} for storage_class, days in pairs]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_default_lifecycles_of_dev_and_prod_pass_the_rules(env):
    assert storage_settings(env).lifecycle.rules


def test_lifecycle_defaults_to_aborting_incomplete_uploads_after_seven_days():
    settings = load_settings(cdk_context(environments={"dev": {}}))
    assert settings.environment.storage.lifecycle.abort_incomplete_multipart_upload_days == 7


# Lifecycle: the bad inputs


def test_transition_to_standard_ia_after_seven_days_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.transitions\.0\.days: is 7 for STANDARD_IA; .*"
        r"expected days >= 30",
    ):
        storage_settings(lifecycle=with_rule(transitions=transitions(("STANDARD_IA", 7))))


def test_expiration_before_the_last_transition_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.expiration_days: is 60, not after the last "
        r"transition \(day 90\); expected expiration_days > 90",
    ):
        storage_settings(
            lifecycle=with_rule(
                transitions=transitions(("STANDARD_IA", 30), ("GLACIER", 90)), expiration_days=60
            )
        )


def test_noncurrent_expiration_before_its_noncurrent_transition_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.noncurrent_expiration_days: is 20, not after the "
        r"last noncurrent transition \(day 30\)",
    ):
        storage_settings(
            lifecycle=with_rule(
                noncurrent_transitions=transitions(("STANDARD_IA", 30)),
                noncurrent_expiration_days=20,
            )
        )


def test_unknown_storage_class_fails_listing_the_known_ones():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.transitions\.0\.storage_class: Input should be "
        r"'STANDARD_IA', .*'DEEP_ARCHIVE'; got 'GLACIER_DEEP'",
    ):
        storage_settings(lifecycle=with_rule(transitions=transitions(("GLACIER_DEEP", 90))))


# Lifecycle: S3's other rules


def test_transition_up_the_waterfall_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.transitions\.1\.storage_class: moves objects from "
        r"GLACIER \(day 40\) up to ONEZONE_IA \(day 60\); transitions only go down",
    ):
        storage_settings(
            lifecycle=with_rule(transitions=transitions(("GLACIER", 40), ("ONEZONE_IA", 60)))
        )


def test_two_transitions_to_one_class_fail():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.transitions\.1\.storage_class: GLACIER appears twice",
    ):
        storage_settings(
            lifecycle=with_rule(transitions=transitions(("GLACIER", 40), ("GLACIER", 60)))
        )


def test_two_transitions_on_one_day_fail():
    with pytest.raises(
        SettingsError, match=KEY + r"lifecycle\.rules\.0\.transitions\.1\.days: is 40, the same day"
    ):
        storage_settings(
            lifecycle=with_rule(transitions=transitions(("GLACIER_IR", 40), ("GLACIER", 40)))
        )


def test_glacier_less_than_thirty_days_after_infrequent_access_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.transitions\.1\.days: is 45, 15 days after the move "
        r"to ONEZONE_IA on day 30; .* expected days >= 60",
    ):
        storage_settings(
            lifecycle=with_rule(transitions=transitions(("ONEZONE_IA", 30), ("GLACIER_IR", 45)))
        )


def test_the_same_rules_apply_to_noncurrent_transitions():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.noncurrent_transitions\.1\.days: is 40, 10 days after",
    ):
        storage_settings(
            lifecycle=with_rule(
                noncurrent_transitions=transitions(("STANDARD_IA", 30), ("DEEP_ARCHIVE", 40))
            )
        )


def test_noncurrent_standard_ia_before_thirty_days_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.noncurrent_transitions\.0\.days: is 10 for STANDARD_IA",
    ):
        storage_settings(
            lifecycle=with_rule(noncurrent_transitions=transitions(("STANDARD_IA", 10)))
        )


def test_transitions_may_be_listed_in_any_order():
    settings = storage_settings(
        lifecycle=with_rule(
            transitions=transitions(("DEEP_ARCHIVE", 200), ("STANDARD_IA", 30), ("GLACIER", 60))
        )
    )
    (rule,) = settings.lifecycle.rules
    assert [t.days for t in rule.transitions_by_day()] == [30, 60, 200]


def test_versions_to_keep_without_noncurrent_expiration_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.noncurrent_versions_to_keep: is 2 but "
        r"noncurrent_expiration_days is not set",
    ):
        storage_settings(lifecycle=with_rule(noncurrent_versions_to_keep=2, expiration_days=30))


def test_rule_without_an_action_fails():
    with pytest.raises(
        SettingsError, match=KEY + r"lifecycle\.rules\.0\.transitions: the rule has no action"
    ):
        storage_settings(lifecycle=with_rule(prefix="old/"))


def test_rule_named_like_a_rule_of_the_stack_fails():
    with pytest.raises(
        SettingsError, match=KEY + r"lifecycle\.rules\.0\.id: is 'ExpireReports', the name of"
    ):
        storage_settings(
            lifecycle=json.dumps({"rules": [{"id": "ExpireReports", "expiration_days": 5}]})
        )


def test_two_rules_with_one_id_fail():
    rule = {"id": "Twice", "expiration_days": 5}
    with pytest.raises(SettingsError, match=KEY + r"lifecycle\.rules\.1\.id: is 'Twice' twice"):
        storage_settings(lifecycle=json.dumps({"rules": [rule, rule]}))


def test_prefix_with_a_leading_slash_fails():
    with pytest.raises(
        SettingsError, match=KEY + r"lifecycle\.rules\.0\.prefix: .*got '/reports/'"
    ):
        storage_settings(lifecycle=with_rule(prefix="/reports/", expiration_days=5))


def test_transition_of_reports_after_they_expire_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.rules\.0\.transitions: moves "
        r"objects under 'reports/' on day 60, but runs under reports/ expire after "
        r"reports_retention_days \(30\)",
    ):
        storage_settings(
            lifecycle=with_rule(prefix="reports/", transitions=transitions(("GLACIER", 60)))
        )


def test_abort_after_zero_days_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"lifecycle\.abort_incomplete_multipart_upload_days: .*greater than or equal",
    ):
        storage_settings(lifecycle=json.dumps({"abort_incomplete_multipart_upload_days": 0}))


# Bucket name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Reports_QA", "may hold only lowercase letters, digits, hyphens and dots"),
        ("qa-", "must start and end with a lowercase letter or a digit"),
        ("a" * 64, "is 64 characters long; S3 needs 3 to 63"),
        ("192.168.1.1", "must not be shaped like an IP address"),
    ],
)
def test_bucket_name_against_s3_rules_fails(name, reason):
    with pytest.raises(SettingsError, match=KEY + rf"bucket_name: {reason}.*got '{name}'"):
        storage_settings(bucket_name=name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("xn--reports", "must not start with 'xn--'"),
        ("sthree-reports", "must not start with 'sthree-'"),
        ("amzn-s3-demo-reports", "must not start with 'amzn-s3-demo-'"),
        ("reports-s3alias", "must not end with '-s3alias'"),
        ("reports--ol-s3", "must not end with '--ol-s3'"),
        ("reports.mrap", "must not end with '.mrap'"),
        ("reports--x-s3", "must not end with '--x-s3'"),
        ("qa..reports", "must not hold two dots in a row"),
        ("ab", "is 2 characters long"),
    ],
)
def test_bucket_name_with_a_reserved_or_malformed_part_fails(name, reason):
    assert any(reason in problem for problem in bucket_name_problems(name))


@pytest.mark.parametrize("name", ["qea-reports", "reports.qea-example", "123-reports", "abc"])
def test_bucket_names_within_s3_rules_pass(name):
    assert bucket_name_problems(name) == []
    assert storage_settings(bucket_name=name).bucket_name == name


# Site, public access, encryption, removal


def test_s3_website_with_all_public_access_blocked_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"block_public_access: is true but site is s3-website.*got 'true'",
    ):
        storage_settings(site="s3-website", block_public_access="true")


def test_cloudfront_with_public_access_unblocked_fails():
    with pytest.raises(
        SettingsError, match=KEY + r"block_public_access: is false but site is cloudfront"
    ):
        storage_settings(site="cloudfront", block_public_access="false")


def test_unknown_site_mode_fails_listing_the_modes():
    with pytest.raises(
        SettingsError,
        match=KEY + r"site: Input should be 's3-website', 'cloudfront' or 'private'; got 'public'",
    ):
        storage_settings(site="public")


def test_kms_encryption_with_an_s3_website_fails():
    with pytest.raises(SettingsError, match=KEY + r"encryption: is kms but site is s3-website"):
        storage_settings(site="s3-website", encryption="kms")


def test_destroy_with_deletion_protection_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"removal_policy: is destroy while deletion_protection is true.*got 'destroy'",
    ):
        storage_settings(removal_policy="destroy", deletion_protection="true")


# Access point and publisher


def test_upload_principal_that_is_not_an_iam_arn_fails():
    with pytest.raises(
        SettingsError, match=KEY + r"upload_principals: 'ci-role' is not an IAM principal ARN"
    ):
        storage_settings(upload_principals='["ci-role"]')


def test_upload_principals_without_the_access_point_fail():
    with pytest.raises(
        SettingsError, match=KEY + r"upload_principals: names principals but upload_access_point"
    ):
        storage_settings(
            upload_access_point="false",
            upload_principals='["arn:aws:iam::123456789012:role/ci"]',
        )


def test_upload_principals_accept_roles_users_and_roots():
    arns = [
        "arn:aws:iam::123456789012:role/ci/uploader",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::012345678901:root",
    ]
    assert storage_settings(upload_principals=json.dumps(arns)).upload_principals == tuple(arns)


def test_log_retention_that_cloudwatch_does_not_offer_fails():
    with pytest.raises(
        SettingsError,
        match=KEY + r"publisher\.log_retention_days: is not a CloudWatch Logs retention period; "
        r"expected one of 1, 3.*got '31'",
    ):
        storage_settings(**{"publisher.log_retention_days": "31"})


def test_reserved_concurrency_of_zero_fails():
    with pytest.raises(
        SettingsError, match=KEY + r"publisher\.reserved_concurrency: .*greater than or equal to 1"
    ):
        storage_settings(**{"publisher.reserved_concurrency": "0"})


def test_reserved_concurrency_can_be_left_to_the_account_pool():
    assert (
        storage_settings(
            **{"publisher.reserved_concurrency": "null"}
        ).publisher.reserved_concurrency
        is None
    )


def test_more_than_two_async_retries_fail():
    with pytest.raises(
        SettingsError, match=KEY + r"publisher\.retry_attempts: .*less than or equal to 2"
    ):
        storage_settings(**{"publisher.retry_attempts": "3"})


def test_unknown_storage_key_fails_naming_it():
    with pytest.raises(SettingsError, match=KEY + r"lifecycle_rules: unknown setting"):
        storage_settings(lifecycle_rules="[]")
