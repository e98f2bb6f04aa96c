"""The reports site's landing page, rewritten at the bucket root after every deployment."""

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from constructs import Construct
from constructs.reports_bucket import REPORTS_PREFIX, SITE_ERROR_DOCUMENT, SITE_INDEX_DOCUMENT

# The writer is this small on purpose: the pages are rendered at synth (below) and arrive in
# its environment, so the code only puts them.
_WRITER = """\
import os
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    keys = []
    for page in ("INDEX", "ERROR"):
        keys.append(os.environ[page + "_KEY"])
        s3.put_object(
            Bucket=os.environ["BUCKET"], Key=keys[-1], Body=os.environ[page + "_PAGE"].encode(),
            ContentType="text/html; charset=utf-8", CacheControl="no-cache",
        )
    return {"written": keys}
"""

_STYLE = (
    "body{font:15px/1.4 system-ui,sans-serif;margin:2rem;color:#222}"
    "dt{font-weight:600}dd{margin:0 0 .5rem}"
)


def render_landing_page(*, project: str, env_name: str, account: str, region: str) -> str:
    """The site's index.html: which deployment this is, and a link to each project's reports.

    The project list is the publisher's `reports/projects.json`, read by the page itself, so
    a project published after the deployment shows up without another one.
    """
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{project} {env_name}: Allure reports</title><style>{_STYLE}</style></head>"
        f"<body><h1>Allure reports of {project} ({env_name})</h1>"
        f"<dl><dt>Project</dt><dd>{project}</dd><dt>Environment</dt><dd>{env_name}</dd>"
        f"<dt>Account</dt><dd>{account}</dd><dt>Region</dt><dd>{region}</dd></dl>"
        '<h2>Projects</h2><ul id="projects"><li>'
        f'<a href="{REPORTS_PREFIX}index.html">All projects</a></li></ul>'
        "<script>"
        f"fetch('{REPORTS_PREFIX}projects.json',{{cache:'no-store'}})"
        ".then(r=>r.ok?r.json():{projects:[]}).then(d=>{"
        "const list=document.getElementById('projects');"
        "for(const p of d.projects||[]){const a=document.createElement('a');"
        f"a.href='{REPORTS_PREFIX}'+p.link;a.textContent=p.project;"
        "const li=document.createElement('li');li.append(a);list.append(li);}})"
        ".catch(()=>{});</script></body></html>"
    )


def render_error_page(*, project: str, env_name: str) -> str:
    """The site's error.html: a page that does not exist, and the way back."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Not found: {project} {env_name}</title><style>{_STYLE}</style></head>"
        "<body><h1>No such page</h1><p>The run may have expired or never been published. "
        f'<a href="/{SITE_INDEX_DOCUMENT}">Back to the reports of {project} ({env_name})</a>'
        "</p></body></html>"
    )


class SiteLandingPage(Construct):
    """Writes index.html and error.html at the root of `bucket` after each deployment.

    Custom resources are out (the emulator cannot run them), so the trigger is CloudFormation's
    own "Stack Status Change" event for this stack reaching CREATE_COMPLETE or
    UPDATE_COMPLETE, on the default event bus. The function may put those two keys and
    nothing else.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
        project: str,
        env_name: str,
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)

        self.log_group = logs.LogGroup(
            self, "Logs", retention=log_retention, removal_policy=removal_policy
        )
        self.function = lambda_.Function(
            self,
            "Writer",
            runtime=lambda_.Runtime.PYTHON_3_14,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_inline(_WRITER),
            timeout=Duration.seconds(30),
            environment={
                "BUCKET": bucket.bucket_name,
                "INDEX_KEY": SITE_INDEX_DOCUMENT,
                "ERROR_KEY": SITE_ERROR_DOCUMENT,
                "INDEX_PAGE": render_landing_page(
                    project=project, env_name=env_name, account=stack.account, region=stack.region
                ),
                "ERROR_PAGE": render_error_page(project=project, env_name=env_name),
            },
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            description="Writes the reports site's landing page after each deployment",
        )

        self.function.add_to_role_policy(
            iam.PolicyStatement(
                sid="WriteSitePages",
                actions=["s3:PutObject"],
                resources=[
                    bucket.arn_for_objects(SITE_INDEX_DOCUMENT),
                    bucket.arn_for_objects(SITE_ERROR_DOCUMENT),
                ],
            )
        )
        if encryption_key:
            encryption_key.grant_encrypt(self.function)

        self.rule = events.Rule(
            self,
            "AfterDeployment",
            description="This stack finished a deployment",
            event_pattern=events.EventPattern(
                source=["aws.cloudformation"],
                detail_type=["CloudFormation Stack Status Change"],
                detail={
                    "stack-id": [stack.stack_id],
                    "status-details": {"status": ["CREATE_COMPLETE", "UPDATE_COMPLETE"]},
                },
            ),
            targets=[targets.LambdaFunction(self.function, retry_attempts=2)],
        )
