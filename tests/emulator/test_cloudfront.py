"""CloudFront models: the reports site's distribution, origin access control and function."""

import uuid

from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs


def site(function_name: str = "") -> dict:
    """What CDK writes for a distribution reading a private bucket through OAC."""
    oac = resource(
        "AWS::CloudFront::OriginAccessControl",
        OriginAccessControlConfig={
            "Name": "reports-oac",
            "OriginAccessControlOriginType": "s3",
            "SigningBehavior": "always",
            "SigningProtocol": "sigv4",
        },
    )
    rewrite = resource(
        "AWS::CloudFront::Function",
        Name=function_name or f"rewrite-{uuid.uuid4().hex[:8]}",
        AutoPublish=True,
        FunctionCode="function handler(event) { return event.request; }",
        FunctionConfig={"Comment": "index.html for folders", "Runtime": "cloudfront-js-2.0"},
    )
    distribution = resource(
        "AWS::CloudFront::Distribution",
        DistributionConfig={
            "Enabled": True,
            "DefaultRootObject": "index.html",
            "Origins": [
                {
                    "Id": "reports",
                    "DomainName": get_att("Bucket", "RegionalDomainName"),
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "OriginAccessControlId": get_att("Oac", "Id"),
                }
            ],
            "DefaultCacheBehavior": {
                "TargetOriginId": "reports",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                "FunctionAssociations": [
                    {
                        "EventType": "viewer-request",
                        "FunctionARN": get_att("Rewrite", "FunctionARN"),
                    }
                ],
            },
        },
    )
    return with_outputs(
        resources(Bucket=resource("AWS::S3::Bucket"), Oac=oac, Rewrite=rewrite, Site=distribution),
        Domain=get_att("Site", "DomainName"),
        Id=ref("Site"),
        Oac=get_att("Oac", "Id"),
        Function=get_att("Rewrite", "FunctionARN"),
    )


def test_distribution_domain_name_is_a_cloudfront_net_name_of_a_distribution_in_moto(deploy, aws):
    outputs = deploy(site())

    distribution = aws("cloudfront").get_distribution(Id=outputs["Id"])["Distribution"]

    assert outputs["Domain"].endswith(".cloudfront.net")
    assert distribution["DomainName"] == outputs["Domain"]
    assert distribution["DistributionConfig"]["DefaultRootObject"] == "index.html"


def test_origin_access_control_exists_with_its_signing_settings(deploy, aws):
    outputs = deploy(site())

    control = aws("cloudfront").get_origin_access_control(Id=outputs["Oac"])

    config = control["OriginAccessControl"]["OriginAccessControlConfig"]
    assert (config["Name"], config["SigningBehavior"]) == ("reports-oac", "always")


def test_function_code_is_stored_and_auto_published(deploy, aws):
    outputs = deploy(site("rewrite-for-this-test"))

    described = aws("cloudfront").describe_function(Name="rewrite-for-this-test")

    assert outputs["Function"].endswith(":function/rewrite-for-this-test")
    assert described["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"


def test_update_keeps_the_distribution_and_its_domain_name(deploy, aws):
    template = site()
    outputs = deploy(template)

    template["Resources"]["Site"]["Properties"]["DistributionConfig"]["Comment"] = "changed"
    updated = deploy(template, update=outputs["StackName"])

    config = aws("cloudfront").get_distribution_config(Id=outputs["Id"])["DistributionConfig"]
    assert (updated["Id"], updated["Domain"]) == (outputs["Id"], outputs["Domain"])
    assert config["Comment"] == "changed"
