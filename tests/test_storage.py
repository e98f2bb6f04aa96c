"""The storage stack's templates: the properties each storage setting is meant to produce."""

import json

import pytest
from aws_cdk.assertions import Capture, Match, Template

REPORTS_BUCKET = "ReportsBucket95FE29A2"
LOG_BUCKET = "AccessLogsBucketCD784A59"


@pytest.fixture(scope="module")
def kms_assembly(synth_with):
    """prod with an SSE-KMS key, a dotted bucket name and no upload access point."""
    return synth_with(
        env="prod",
        **{
            "storage.encryption": "kms",
            "storage.bucket_name": "reports.qea-example",
            "storage.upload_access_point": "false",
        },
    ).get_stack_by_name("qea-prod-storage")


@pytest.fixture(scope="module")
def private_assembly(synth_with):
    """dev in private site mode, with a lifecycle rule whose transitions are out of order."""
    lifecycle = {
        "rules": [
            {
                "id": "Archive",
                "prefix": "archive/",
                "transitions": [
                    {"storage_class": "DEEP_ARCHIVE", "days": 180},
                    {"storage_class": "STANDARD_IA", "days": 30},
                    {"storage_class": "GLACIER", "days": 90},
                ],
            }
        ]
    }
    return synth_with(
        **{"storage.site": "private", "storage.lifecycle": json.dumps(lifecycle)}
    ).get_stack_by_name("qea-dev-storage")


def statements_of_policy(template: Template, bucket: str) -> list[dict]:
    policies = template.find_resources(
        "AWS::S3::BucketPolicy", {"Properties": {"Bucket": {"Ref": bucket}}}
    )
    (policy,) = policies.values()
    return policy["Properties"]["PolicyDocument"]["Statement"]


def lifecycle_rules(template: Template, bucket: str = REPORTS_BUCKET) -> dict[str, dict]:
    properties = template.to_json()["Resources"][bucket]["Properties"]
    return {rule["Id"]: rule for rule in properties["LifecycleConfiguration"]["Rules"]}


# The reports bucket


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_reports_bucket_is_versioned_with_acls_disabled(template, env):
    template(env, "storage").has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
        },
    )


def test_reports_bucket_is_sse_s3_encrypted_by_default(template):
    properties = template("prod", "storage").to_json()["Resources"][REPORTS_BUCKET]["Properties"]
    assert properties["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }


def test_kms_encryption_uses_a_rotated_key_of_the_stack_with_a_bucket_key(kms_assembly):
    template = Template.from_json(kms_assembly.template)
    key = Capture()
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": {"Fn::GetAtt": [key, "Arn"]},
                        },
                    }
                ]
            }
        },
    )
    keys = template.find_resources("AWS::KMS::Key")
    assert keys[key.as_string()]["Properties"]["EnableKeyRotation"] is True
    assert keys[key.as_string()]["DeletionPolicy"] == "Retain"


def test_kms_key_lets_the_publisher_encrypt_and_decrypt(kms_assembly):
    template = Template.from_json(kms_assembly.template)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": Match.array_with(["kms:Decrypt", "kms:GenerateDataKey*"]),
                                "Resource": {
                                    "Fn::GetAtt": [Match.string_like_regexp("ReportsKey"), "Arn"]
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize("bucket", [REPORTS_BUCKET, LOG_BUCKET])
def test_buckets_deny_requests_without_tls(template, env, bucket):
    assert {
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": [
            {"Fn::GetAtt": [bucket, "Arn"]},
            {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/*"]]},
        ],
    } in statements_of_policy(template(env, "storage"), bucket)


def test_prod_buckets_are_retained_and_deny_their_deletion(template):
    prod = template("prod", "storage")
    for bucket in (REPORTS_BUCKET, LOG_BUCKET):
        assert prod.to_json()["Resources"][bucket]["DeletionPolicy"] == "Retain"
        assert {
            "Sid": "DenyBucketDeletion",
            "Action": "s3:DeleteBucket",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": {"Fn::GetAtt": [bucket, "Arn"]},
        } in statements_of_policy(prod, bucket)


def test_dev_buckets_are_destroyed_with_the_stack_and_deletable(template):
    dev = template("dev", "storage")
    for bucket in (REPORTS_BUCKET, LOG_BUCKET):
        assert dev.to_json()["Resources"][bucket]["DeletionPolicy"] == "Delete"
        sids = [statement.get("Sid") for statement in statements_of_policy(dev, bucket)]
        assert "DenyBucketDeletion" not in sids


def test_bucket_name_is_generated_unless_set(template, kms_assembly):
    assert (
        "BucketName"
        not in template("prod", "storage").to_json()["Resources"][REPORTS_BUCKET]["Properties"]
    )
    Template.from_json(kms_assembly.template).has_resource_properties(
        "AWS::S3::Bucket", {"BucketName": "reports.qea-example"}
    )


def test_bucket_name_with_a_dot_gets_an_acknowledgeable_warning(kms_assembly):
    warnings = [str(message.entry.data) for message in kms_assembly.messages]
    assert any("qea:bucket-name-dot" in text and "reports.qea-example" in text for text in warnings)


def test_reports_bucket_logs_its_access_to_the_log_bucket(template):
    template("prod", "storage").has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LoggingConfiguration": {
                "DestinationBucketName": {"Ref": LOG_BUCKET},
                "LogFilePrefix": "s3/reports/",
            }
        },
    )


# The log bucket


@pytest.mark.parametrize(("env", "days"), [("dev", 14), ("prod", 365)])
def test_log_bucket_is_versioned_private_sse_s3_and_expires_its_logs(template, env, days):
    properties = template(env, "storage").to_json()["Resources"][LOG_BUCKET]["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == days


def test_log_bucket_lets_elb_log_delivery_put_under_alb_only(template):
    statement = next(
        s
        for s in statements_of_policy(template("prod", "storage"), LOG_BUCKET)
        if s.get("Sid") == "AllowAlbLogDelivery"
    )
    assert statement["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    assert statement["Action"] == "s3:PutObject"
    assert statement["Resource"] == {
        "Fn::Join": [
            "",
            [{"Fn::GetAtt": [LOG_BUCKET, "Arn"]}, "/alb/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"],
        ]
    }


def test_log_bucket_lets_s3_logging_write_only_the_reports_buckets_logs(template):
    statement = next(
        s
        for s in statements_of_policy(template("prod", "storage"), LOG_BUCKET)
        if s["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    )
    assert statement["Condition"]["ArnLike"] == {
        "aws:SourceArn": {"Fn::GetAtt": [REPORTS_BUCKET, "Arn"]}
    }


# Site modes


def test_s3_website_opens_only_the_policy_blocks(template):
    template("dev", "storage").has_resource_properties(
        "AWS::S3::Bucket",
        {
            "WebsiteConfiguration": {"IndexDocument": "index.html", "ErrorDocument": "error.html"},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": False,
                "RestrictPublicBuckets": False,
            },
        },
    )


def test_s3_website_lets_anyone_get_only_reports_and_site_pages(template):
    public = [
        s
        for s in statements_of_policy(template("dev", "storage"), REPORTS_BUCKET)
        if s["Effect"] == "Allow" and s["Principal"] == {"AWS": "*"}
    ]
    arn = {"Fn::GetAtt": [REPORTS_BUCKET, "Arn"]}
    assert public == [
        {
            "Sid": "PublicReadOfReportsAndSitePages",
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Resource": [
                {"Fn::Join": ["", [arn, "/error.html"]]},
                {"Fn::Join": ["", [arn, "/index.html"]]},
                {"Fn::Join": ["", [arn, "/reports/*"]]},
            ],
        }
    ]


def test_s3_website_base_url_is_the_website_endpoint(template):
    assert template("dev", "storage").to_json()["Outputs"]["ReportsBaseUrl"]["Value"] == {
        "Fn::GetAtt": [REPORTS_BUCKET, "WebsiteURL"]
    }


@pytest.mark.parametrize("mode", ["cloudfront", "private"])
def test_cloudfront_and_private_modes_block_all_public_access(template, private_assembly, mode):
    stack = template("prod", "storage") if mode == "cloudfront" else None
    stack = stack or Template.from_json(private_assembly.template)
    properties = stack.to_json()["Resources"][REPORTS_BUCKET]["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "WebsiteConfiguration" not in properties
    public = [
        s
        for s in statements_of_policy(stack, REPORTS_BUCKET)
        if s["Effect"] == "Allow" and s["Principal"] == {"AWS": "*"}
    ]
    assert public == []


def test_cloudfront_serves_https_only_through_origin_access_control(template):
    prod = template("prod", "storage")
    oac = Capture()
    rewrite = Capture()
    prod.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultRootObject": "index.html",
                    "PriceClass": "PriceClass_100",
                    "DefaultCacheBehavior": Match.object_like(
                        {
                            "ViewerProtocolPolicy": "https-only",
                            "FunctionAssociations": [
                                {
                                    "EventType": "viewer-request",
                                    "FunctionARN": {"Fn::GetAtt": [rewrite, "FunctionARN"]},
                                }
                            ],
                        }
                    ),
                    "Origins": [
                        Match.object_like(
                            {
                                "DomainName": {
                                    "Fn::GetAtt": [REPORTS_BUCKET, "RegionalDomainName"]
                                },
                                "OriginAccessControlId": {"Fn::GetAtt": [oac, "Id"]},
                            }
                        )
                    ],
                }
            )
        },
    )
    resources = prod.to_json()["Resources"]
    assert resources[oac.as_string()]["Type"] == "AWS::CloudFront::OriginAccessControl"
    code = resources[rewrite.as_string()]["Properties"]["FunctionCode"]
    assert "request.uri.endsWith('/')" in code and "request.uri += 'index.html'" in code


def test_cloudfront_may_read_the_bucket_only_for_its_own_distribution(template):
    statement = next(
        s
        for s in statements_of_policy(template("prod", "storage"), REPORTS_BUCKET)
        if s["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    )
    assert statement["Action"] == "s3:GetObject"
    assert "distribution/" in json.dumps(statement["Condition"]["StringEquals"])


def test_cloudfront_base_url_is_the_distribution_over_https(template):
    value = template("prod", "storage").to_json()["Outputs"]["ReportsBaseUrl"]["Value"]
    assert value["Fn::Join"][1][0] == "https://"
    assert value["Fn::Join"][1][1]["Fn::GetAtt"][1] == "DomainName"


def test_private_mode_has_no_public_reader_and_points_at_the_rest_endpoint(private_assembly):
    template = Template.from_json(private_assembly.template)
    template.resource_count_is("AWS::CloudFront::Distribution", 0)
    assert template.to_json()["Outputs"]["ReportsBaseUrl"]["Value"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [REPORTS_BUCKET, "RegionalDomainName"]}]]
    }
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": Match.object_like({"SITE_MODE": "private"})}},
    )


# Lifecycle


def test_prod_lifecycle_moves_reports_down_the_waterfall_in_ascending_days(template):
    rule = lifecycle_rules(template("prod", "storage"))["ReportsTiering"]
    assert rule["Prefix"] == "reports/"
    assert rule["Transitions"] == [
        {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
        {"StorageClass": "GLACIER_IR", "TransitionInDays": 90},
    ]
    assert rule["NoncurrentVersionTransitions"] == [
        {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
        {"StorageClass": "GLACIER", "TransitionInDays": 90},
    ]
    assert rule["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": 365,
        "NewerNoncurrentVersions": 3,
    }


def test_transitions_given_out_of_order_are_listed_by_day(private_assembly):
    rule = lifecycle_rules(Template.from_json(private_assembly.template))["Archive"]
    assert rule["Prefix"] == "archive/"
    assert [t["TransitionInDays"] for t in rule["Transitions"]] == [30, 90, 180]


@pytest.mark.parametrize(
    ("env", "reports", "uploads", "abort"), [("dev", 30, 1, 1), ("prod", 365, 7, 7)]
)
def test_reports_and_uploads_expire_and_incomplete_uploads_abort(
    template, env, reports, uploads, abort
):
    rules = lifecycle_rules(template(env, "storage"))
    assert rules["ExpireReports"]["Prefix"] == "reports/"
    assert rules["ExpireReports"]["ExpirationInDays"] == reports
    assert rules["ExpireUploads"]["Prefix"] == "incoming/"
    assert rules["ExpireUploads"]["ExpirationInDays"] == uploads
    assert rules["AbortIncompleteUploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": abort
    }
    assert "Prefix" not in rules["AbortIncompleteUploads"]


def test_dev_lifecycle_keeps_one_old_version_for_three_days(template):
    rule = lifecycle_rules(template("dev", "storage"))["NoncurrentVersions"]
    assert rule["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": 3,
        "NewerNoncurrentVersions": 1,
    }
    assert "Transitions" not in rule


# The publisher's trigger and role


def test_uploads_trigger_the_publisher_for_zips_under_incoming_only(template):
    target = Capture()
    template("prod", "storage").has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {
                    "bucket": {"name": [{"Ref": REPORTS_BUCKET}]},
                    "object": {"key": [{"wildcard": "incoming/*.zip"}]},
                },
            },
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [target, "Arn"]}})],
        },
    )
    assert target.as_string().startswith("PublisherFunction")


def test_publisher_role_reads_incoming_writes_reports_and_nothing_else(template):
    policies = template("prod", "storage").find_resources("AWS::IAM::Policy")
    policy = next(p for name, p in policies.items() if name.startswith("PublisherFunction"))
    s3_statements = [
        s for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(action.startswith("s3:") for action in _actions(s))
    ]  # fmt: skip
    arn = {"Fn::GetAtt": [REPORTS_BUCKET, "Arn"]}
    assert sorted(s3_statements, key=lambda s: s["Sid"]) == [
        {"Sid": "ListBucket", "Action": "s3:ListBucket", "Effect": "Allow", "Resource": arn},
        {
            "Sid": "ReadUploads",
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [arn, "/incoming/*"]]},
        },
        {
            "Sid": "WriteReports",
            "Action": [
                "s3:AbortMultipartUpload",
                "s3:DeleteObject",
                "s3:GetObject",
                "s3:PutObject",
            ],
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [arn, "/reports/*"]]},
        },
    ]


def _actions(statement: dict) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def test_publisher_gets_the_variables_its_code_reads(template):
    functions = template("prod", "storage").find_resources("AWS::Lambda::Function")
    function = next(f for name, f in functions.items() if name.startswith("PublisherFunction"))
    environment = function["Properties"]["Environment"]["Variables"]
    assert environment["REPORTS_BUCKET"] == {"Ref": REPORTS_BUCKET}
    assert {k: v for k, v in environment.items() if isinstance(v, str)} == {
        "REPORTS_PREFIX": "reports/",
        "INCOMING_PREFIX": "incoming/",
        "KEEP_RUNS": "50",
        "SITE_MODE": "cloudfront",
        "PRESIGN_SECONDS": "3600",
        "LOG_LEVEL": "INFO",
    }
    # Every name is one lambda/allure_publisher/settings.py reads.
    from allure_publisher.settings import Settings

    known = {field.upper() for field in Settings.__dataclass_fields__}
    assert set(environment) <= known


@pytest.mark.parametrize(("env", "memory", "timeout"), [("dev", 1024, 300), ("prod", 1769, 600)])
def test_publisher_memory_and_timeout_come_from_settings(template, env, memory, timeout):
    functions = template(env, "storage").find_resources("AWS::Lambda::Function")
    publisher = next(f for name, f in functions.items() if name.startswith("PublisherFunction"))
    assert publisher["Properties"]["MemorySize"] == memory
    assert publisher["Properties"]["Timeout"] == timeout


@pytest.mark.parametrize(("env", "concurrency"), [("dev", 2), ("prod", 10)])
def test_publisher_concurrency_is_reserved_from_settings(template, env, concurrency):
    functions = template(env, "storage").find_resources(
        "AWS::Lambda::Function", {"Properties": {"ReservedConcurrentExecutions": concurrency}}
    )
    assert [name[: len("PublisherFunction")] for name in functions] == ["PublisherFunction"]


def test_failed_publishes_go_to_an_encrypted_dead_letter_queue(template):
    prod = template("prod", "storage")
    queue = Capture()
    prod.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 21600,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}},
        },
    )
    queue_properties = prod.to_json()["Resources"][queue.as_string()]["Properties"]
    assert queue_properties["SqsManagedSseEnabled"] is True
    assert queue_properties["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_events_eventbridge_cannot_deliver_go_to_the_same_queue(template):
    prod = template("prod", "storage")
    queue = Capture()
    prod.has_resource_properties(
        "AWS::Events::Rule",
        {
            "Targets": [
                Match.object_like({"DeadLetterConfig": {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}})
            ]
        },
    )
    assert queue.as_string().startswith("PublisherFailedEvents")


def test_alarm_goes_off_when_the_dead_letter_queue_holds_a_message(template):
    template("prod", "storage").has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [
                {
                    "Name": "QueueName",
                    "Value": {
                        "Fn::GetAtt": [
                            Match.string_like_regexp("PublisherFailedEvents"),
                            "QueueName",
                        ]
                    },
                }
            ],
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        },
    )


@pytest.mark.parametrize(("env", "days"), [("dev", 7), ("prod", 90)])
def test_publisher_log_group_keeps_logs_for_the_set_days(template, env, days):
    groups = template(env, "storage").find_resources("AWS::Logs::LogGroup")
    assert {name[:-8]: g["Properties"]["RetentionInDays"] for name, g in groups.items()} == {
        "PublisherLogs": days,
        "LandingPageLogs": days,
    }


# The upload access point


def test_access_point_lets_uploaders_put_under_incoming_only(template):
    prod = template("prod", "storage")
    prod.has_resource_properties(
        "AWS::S3::AccessPoint",
        {
            "Bucket": {"Ref": REPORTS_BUCKET},
            "Name": "qea-prod-uploads",
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "Policy": {
                "Version": "2012-10-17",
                "Statement": [
                    Match.object_like(
                        {
                            "Effect": "Allow",
                            "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                            "Resource": {
                                "Fn::Join": [
                                    "",
                                    Match.array_with(
                                        [":accesspoint/qea-prod-uploads/object/incoming/*"]
                                    ),
                                ]
                            },
                        }
                    )
                ],
            },
        },
    )


def test_bucket_delegates_only_uploads_through_the_access_point(template):
    statement = next(
        s
        for s in statements_of_policy(template("prod", "storage"), REPORTS_BUCKET)
        if s.get("Sid") == "DelegateUploadsToAccessPoint"
    )
    assert statement["Action"] == ["s3:AbortMultipartUpload", "s3:PutObject"]
    assert statement["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [REPORTS_BUCKET, "Arn"]}, "/incoming/*"]]
    }
    condition = statement["Condition"]["StringEquals"]["s3:DataAccessPointArn"]
    assert ":accesspoint/qea-prod-uploads" in json.dumps(condition)


def test_access_point_alias_is_an_output(template):
    output = template("prod", "storage").to_json()["Outputs"]["UploadAccessPointAlias"]
    assert output["Value"]["Fn::GetAtt"][1] == "Alias"


def test_access_point_can_be_switched_off(kms_assembly):
    template = Template.from_json(kms_assembly.template)
    template.resource_count_is("AWS::S3::AccessPoint", 0)
    assert "UploadAccessPointAlias" not in template.to_json()["Outputs"]


# Fit for the emulator


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_storage_stack_has_no_custom_resource(template, env):
    types = {r["Type"] for r in template(env, "storage").to_json()["Resources"].values()}
    assert not {t for t in types if t.startswith("Custom::") or "CustomResource" in t}


def test_stable_outputs_keep_their_logical_ids(template):
    outputs = template("prod", "storage").to_json()["Outputs"]
    assert {"ReportsBucketName", "ReportsBaseUrl", "PublisherFunctionName"} <= set(outputs)


def test_stack_exposes_the_log_bucket_and_the_alb_prefix_for_compute():
    from aws_cdk import aws_s3 as s3

    from app import create_app
    from tests.conftest import cdk_context

    stack = create_app(cdk_context()).node.find_child("qea-dev-storage")
    assert isinstance(stack.log_bucket, s3.Bucket)
    assert stack.log_bucket.node.path == "qea-dev-storage/AccessLogs/Bucket"
    assert stack.alb_log_prefix == "alb"


def test_two_deployments_never_render_the_same_landing_page():
    from constructs.site_landing_page import render_landing_page

    pages = {
        render_landing_page(project="qea", env_name=env, account=account, region=region)
        for env in ("dev", "prod")
        for account in ("111111111111", "222222222222")
        for region in ("eu-west-1", "us-east-1")
    }
    assert len(pages) == 8


def test_landing_page_links_the_projects_index_and_reads_the_project_list():
    from constructs.site_landing_page import render_landing_page

    page = render_landing_page(
        project="qea", env_name="dev", account="123456789012", region="eu-west-1"
    )
    assert '<a href="reports/index.html">' in page
    assert "fetch('reports/projects.json'" in page and "a.href='reports/'+p.link" in page
    assert "<dd>123456789012</dd>" in page and "<dd>eu-west-1</dd>" in page


# The landing page


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_landing_page_is_rewritten_when_this_stack_finishes_a_deployment(template, env):
    writer = Capture()
    template(env, "storage").has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.cloudformation"],
                "detail-type": ["CloudFormation Stack Status Change"],
                "detail": {
                    "stack-id": [{"Ref": "AWS::StackId"}],
                    "status-details": {"status": ["CREATE_COMPLETE", "UPDATE_COMPLETE"]},
                },
            },
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [writer, "Arn"]}})],
        },
    )
    assert writer.as_string().startswith("LandingPageWriter")


def test_landing_page_names_the_deployment_and_its_account_and_region(template):
    functions = template("prod", "storage").find_resources("AWS::Lambda::Function")
    writer = next(f for name, f in functions.items() if name.startswith("LandingPageWriter"))
    variables = writer["Properties"]["Environment"]["Variables"]
    page = json.dumps(variables["INDEX_PAGE"])
    assert "<dd>qea</dd>" in page and "<dd>prod</dd>" in page
    assert '{"Ref": "AWS::AccountId"}' in page and '{"Ref": "AWS::Region"}' in page
    assert (variables["INDEX_KEY"], variables["ERROR_KEY"]) == ("index.html", "error.html")


def test_landing_page_writer_may_put_only_the_two_site_pages(template):
    policies = template("dev", "storage").find_resources("AWS::IAM::Policy")
    policy = next(p for name, p in policies.items() if name.startswith("LandingPageWriter"))
    arn = {"Fn::GetAtt": [REPORTS_BUCKET, "Arn"]}
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Sid": "WriteSitePages",
            "Action": "s3:PutObject",
            "Effect": "Allow",
            "Resource": [
                {"Fn::Join": ["", [arn, "/error.html"]]},
                {"Fn::Join": ["", [arn, "/index.html"]]},
            ],
        }
    ]


def test_private_mode_has_no_landing_page(private_assembly):
    functions = Template.from_json(private_assembly.template).find_resources(
        "AWS::Lambda::Function"
    )
    assert [name for name in functions if name.startswith("LandingPage")] == []


def test_every_storage_class_setting_renders_as_its_s3_name():
    from typing import get_args

    from settings.storage import StorageClass
    from stacks.storage import _STORAGE_CLASSES

    assert {name: cls.to_string() for name, cls in _STORAGE_CLASSES.items()} == {
        name: name for name in get_args(StorageClass)
    }
