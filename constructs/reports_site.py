"""How people read published reports: S3 website, CloudFront, or presigned links only."""

from typing import Literal

from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from constructs import Construct
from constructs.reports_bucket import REPORTS_PREFIX, SITE_ERROR_DOCUMENT, SITE_INDEX_DOCUMENT

SiteMode = Literal["s3-website", "cloudfront", "private"]

# CloudFront serves `default_root_object` for `/` only; sub-folders need this rewrite.
_INDEX_REWRITE = """\
function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) {
    request.uri += 'index.html';
  }
  return request;
}
"""


class ReportsSite(Construct):
    """The reader's side of the reports bucket, for one site mode.

    - `s3-website`: the bucket's website endpoint; anyone may s3:GetObject under
      `reports/` and the site's own pages, nothing else. The bucket must have been created
      with website hosting and without the two public-policy blocks.
    - `cloudfront`: a distribution, HTTPS only, reading the private bucket through origin
      access control; a CloudFront Function serves `index.html` for every folder.
    - `private`: no public reader; `base_url` is the bucket's REST endpoint that presigned
      links point at.

    Attributes:
        base_url: the URL that serves the bucket's root in this mode.
        distribution: the CloudFront distribution, in `cloudfront` mode only.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        mode: SiteMode,
        price_class: cloudfront.PriceClass = cloudfront.PriceClass.PRICE_CLASS_100,
    ) -> None:
        super().__init__(scope, id)
        self.distribution: cloudfront.Distribution | None = None

        if mode == "s3-website":
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="PublicReadOfReportsAndSitePages",
                    principals=[iam.AnyPrincipal()],
                    actions=["s3:GetObject"],
                    resources=[
                        bucket.arn_for_objects(f"{REPORTS_PREFIX}*"),
                        bucket.arn_for_objects(SITE_INDEX_DOCUMENT),
                        bucket.arn_for_objects(SITE_ERROR_DOCUMENT),
                    ],
                )
            )
            self.base_url = bucket.bucket_website_url
        elif mode == "cloudfront":
            index_rewrite = cloudfront.Function(
                self,
                "IndexRewrite",
                code=cloudfront.FunctionCode.from_inline(_INDEX_REWRITE),
                runtime=cloudfront.FunctionRuntime.JS_2_0,
                comment="Serves index.html for every folder of the reports site",
            )
            self.distribution = cloudfront.Distribution(
                self,
                "Distribution",
                comment="Allure reports",
                default_root_object=SITE_INDEX_DOCUMENT,
                price_class=price_class,
                default_behavior=cloudfront.BehaviorOptions(
                    origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                    function_associations=[
                        cloudfront.FunctionAssociation(
                            function=index_rewrite,
                            event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                        )
                    ],
                ),
            )
            self.base_url = f"https://{self.distribution.distribution_domain_name}"
        else:
            self.base_url = f"https://{bucket.bucket_regional_domain_name}"
