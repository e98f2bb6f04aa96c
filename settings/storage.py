"""Settings of the storage stack: the reports bucket, its site, its lifecycle and the publisher.

The lifecycle rules are checked here against what S3 would reject only at deploy time, with
S3's own limits: a class's minimum days, the order of the storage-class waterfall, expiration
after the last transition.
"""

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import LogRetentionDays, SettingsModel, setting_error

StorageClass = Literal[
    "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"
]
# The order S3 lets objects move in: down the list only, never back up.
WATERFALL = (
    "STANDARD",
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
)
INFREQUENT_ACCESS = frozenset({"STANDARD_IA", "ONEZONE_IA"})
GLACIER_CLASSES = frozenset({"GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"})
MIN_INFREQUENT_ACCESS_DAYS = 30

# The prefixes the stack's own rules and the publisher use; settings.py must not import CDK.
REPORTS_PREFIX = "reports/"
INCOMING_PREFIX = "incoming/"
RESERVED_RULE_IDS = frozenset({"ExpireUploads", "ExpireReports", "AbortIncompleteUploads"})

_BUCKET_NAME_CHARS = re.compile(r"^[a-z0-9.-]+$")
_RESERVED_NAME_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_NAME_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3")
_IAM_PRINCIPAL_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$"
)


def bucket_name_problems(name: str) -> list[str]:
    """What S3's naming rules for general purpose buckets say against `name`; empty if none."""
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append(f"is {len(name)} characters long; S3 needs 3 to 63")
    if not _BUCKET_NAME_CHARS.match(name):
        problems.append("may hold only lowercase letters, digits, hyphens and dots")
    if not (re.match(r"[a-z0-9]", name[:1]) and re.match(r"[a-z0-9]", name[-1:])):
        problems.append("must start and end with a lowercase letter or a digit")
    if ".." in name:
        problems.append("must not hold two dots in a row")
    try:
        ipaddress.IPv4Address(name)
        problems.append("must not be shaped like an IP address")
    except ValueError:
        pass
    for prefix in _RESERVED_NAME_PREFIXES:
        if name.startswith(prefix):
            problems.append(f"must not start with {prefix!r}, which S3 reserves")
    for suffix in _RESERVED_NAME_SUFFIXES:
        if name.endswith(suffix):
            problems.append(f"must not end with {suffix!r}, which S3 reserves")
    return problems


class TransitionSettings(SettingsModel):
    """One move of objects into a cheaper storage class."""

    storage_class: StorageClass
    """The class by its S3 name: STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR,
    GLACIER or DEEP_ARCHIVE. Required."""

    days: Annotated[int, Field(ge=0, le=36500)]
    """Days after creation (or, for a noncurrent transition, after the version became
    noncurrent) at which the move happens. Required; STANDARD_IA and ONEZONE_IA need 30 or
    more."""

    @model_validator(mode="after")
    def _infrequent_access_minimum(self) -> "TransitionSettings":
        if self.storage_class in INFREQUENT_ACCESS and self.days < MIN_INFREQUENT_ACCESS_DAYS:
            raise setting_error(
                "days",
                f"is {self.days} for {self.storage_class}; S3 moves objects to "
                f"{self.storage_class} only after {MIN_INFREQUENT_ACCESS_DAYS} days or more, "
                f"so expected days >= {MIN_INFREQUENT_ACCESS_DAYS}",
            )
        return self


def _transition_problem(
    transitions: tuple[TransitionSettings, ...], key: str
) -> tuple[str, str] | None:
    """The first way `transitions` breaks S3's order rules, as (key, message); None if none."""
    seen: dict[str, int] = {}
    for index, transition in enumerate(transitions):
        if transition.storage_class in seen:
            return (
                f"{key}.{index}.storage_class",
                f"{transition.storage_class} appears twice (also at "
                f"{key}.{seen[transition.storage_class]}); expected one transition per class",
            )
        seen[transition.storage_class] = index

    ordered = sorted(enumerate(transitions), key=lambda pair: pair[1].days)
    for (_, earlier), (index, later) in zip(ordered, ordered[1:], strict=False):
        if later.days == earlier.days:
            return (
                f"{key}.{index}.days",
                f"is {later.days}, the same day as the transition to {earlier.storage_class}; "
                "expected each transition on a later day than the one before",
            )
        if WATERFALL.index(later.storage_class) < WATERFALL.index(earlier.storage_class):
            return (
                f"{key}.{index}.storage_class",
                f"moves objects from {earlier.storage_class} (day {earlier.days}) up to "
                f"{later.storage_class} (day {later.days}); transitions only go down the "
                f"waterfall {' > '.join(WATERFALL)}, in increasing days",
            )
        stay = later.days - earlier.days
        if (
            earlier.storage_class in INFREQUENT_ACCESS
            and later.storage_class in GLACIER_CLASSES
            and stay < MIN_INFREQUENT_ACCESS_DAYS
        ):
            return (
                f"{key}.{index}.days",
                f"is {later.days}, {stay} days after the move to {earlier.storage_class} on "
                f"day {earlier.days}; S3 keeps objects in {earlier.storage_class} at least "
                f"{MIN_INFREQUENT_ACCESS_DAYS} days before {later.storage_class}, so expected "
                f"days >= {earlier.days + MIN_INFREQUENT_ACCESS_DAYS}",
            )
    return None


class LifecycleRuleSettings(SettingsModel):
    """One lifecycle rule: what happens to objects under a key prefix as they age."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    """The rule's name in the bucket's configuration. Required; unique within the bucket."""

    prefix: Annotated[str, Field(max_length=1024, pattern=r"^([^/].*)?$")] = ""
    """The key prefix the rule applies to, e.g. `reports/`; left out, the whole bucket."""

    transitions: tuple[TransitionSettings, ...] = ()
    """Moves of current versions into cheaper classes; the template lists them by day."""

    expiration_days: Annotated[int | None, Field(ge=1, le=36500)] = None
    """Days after which current versions expire; left out, they do not expire by this rule."""

    noncurrent_transitions: tuple[TransitionSettings, ...] = ()
    """Moves of noncurrent versions, by days since they became noncurrent."""

    noncurrent_expiration_days: Annotated[int | None, Field(ge=1, le=36500)] = None
    """Days after becoming noncurrent at which old versions are deleted; left out, never."""

    noncurrent_versions_to_keep: Annotated[int | None, Field(ge=1, le=100)] = None
    """Newest noncurrent versions spared by noncurrent_expiration_days, 1 to 100; left out,
    none are spared."""

    @model_validator(mode="after")
    def _follows_s3_rules(self) -> "LifecycleRuleSettings":
        for key in ("transitions", "noncurrent_transitions"):
            problem = _transition_problem(getattr(self, key), key)
            if problem:
                raise setting_error(*problem)

        last = max((t.days for t in self.transitions), default=None)
        if self.expiration_days is not None and last is not None and self.expiration_days <= last:
            raise setting_error(
                "expiration_days",
                f"is {self.expiration_days}, not after the last transition (day {last}); "
                f"expected expiration_days > {last}, or fewer transitions",
            )
        last = max((t.days for t in self.noncurrent_transitions), default=None)
        expiry = self.noncurrent_expiration_days
        if expiry is not None and last is not None and expiry <= last:
            raise setting_error(
                "noncurrent_expiration_days",
                f"is {expiry}, not after the last noncurrent transition (day {last}); "
                f"expected noncurrent_expiration_days > {last}",
            )
        if self.noncurrent_versions_to_keep is not None and expiry is None:
            raise setting_error(
                "noncurrent_versions_to_keep",
                f"is {self.noncurrent_versions_to_keep} but noncurrent_expiration_days is not "
                "set; S3 spares versions only from a noncurrent expiration, so set "
                "noncurrent_expiration_days too",
            )
        if not (
            self.transitions
            or self.expiration_days
            or self.noncurrent_transitions
            or self.noncurrent_expiration_days
        ):
            raise setting_error(
                "transitions",
                "the rule has no action; S3 needs at least one of transitions, "
                "expiration_days, noncurrent_transitions or noncurrent_expiration_days",
            )
        return self

    def transitions_by_day(self) -> tuple[TransitionSettings, ...]:
        return tuple(sorted(self.transitions, key=lambda t: t.days))

    def noncurrent_transitions_by_day(self) -> tuple[TransitionSettings, ...]:
        return tuple(sorted(self.noncurrent_transitions, key=lambda t: t.days))


class LifecycleSettings(SettingsModel):
    """How objects in the reports bucket age, beyond the stack's own rules for `incoming/`
    (expire after incoming_retention_days) and `reports/` (expire after
    reports_retention_days)."""

    abort_incomplete_multipart_upload_days: Annotated[int, Field(ge=1, le=3650)] = 7
    """Days after which unfinished multipart uploads anywhere in the bucket are aborted."""

    rules: tuple[LifecycleRuleSettings, ...] = (
        LifecycleRuleSettings(id="NoncurrentVersions", noncurrent_expiration_days=30),
    )
    """Lifecycle rules, each scoped to a prefix; the default deletes noncurrent versions 30
    days after they were replaced."""

    @model_validator(mode="after")
    def _rule_ids_unique(self) -> "LifecycleSettings":
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.id in RESERVED_RULE_IDS:
                raise setting_error(
                    f"rules.{index}.id",
                    f"is {rule.id!r}, the name of one of the stack's own rules; expected a "
                    f"name other than {', '.join(sorted(RESERVED_RULE_IDS))}",
                )
            if rule.id in seen:
                raise setting_error(
                    f"rules.{index}.id", f"is {rule.id!r} twice; expected unique rule ids"
                )
            seen.add(rule.id)
        return self


class PublisherSettings(SettingsModel):
    """The function that publishes uploaded report zips."""

    memory_mib: Annotated[int, Field(ge=128, le=10240)] = 1024
    """Memory of the function in MiB, 128 to 10240; CPU grows with it."""

    timeout_seconds: Annotated[int, Field(ge=10, le=900)] = 300
    """How long one publish may run, 10 to 900 seconds."""

    reserved_concurrency: Annotated[int | None, Field(ge=1, le=1000)] = 5
    """Publishes that may run at once; also the most it takes from the account's pool. Left
    out (null), the function shares the account's unreserved concurrency. An account whose
    limit is 10 (new accounts) cannot reserve any: set null there."""

    retry_attempts: Annotated[int, Field(ge=0, le=2)] = 2
    """Retries of a failed asynchronous invocation, 0 to 2, before it goes to the
    dead-letter queue."""

    max_event_age_seconds: Annotated[int, Field(ge=60, le=21600)] = 21600
    """How long an upload event may wait for a publish, 60 to 21600 seconds."""

    failed_events_retention_days: Annotated[int, Field(ge=1, le=14)] = 14
    """Days the dead-letter queue keeps the events of failed publishes, 1 to 14."""

    log_retention_days: LogRetentionDays = 30
    """Days the log groups of the publisher and the landing-page writer keep logs; one of
    CloudWatch's periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """The publisher's log level."""

    presign_seconds: Annotated[int, Field(ge=60, le=604800)] = 3600
    """How long the links the publisher returns in `private` site mode stay valid."""


class StorageSettings(SettingsModel):
    site: Literal["s3-website", "cloudfront", "private"] = "cloudfront"
    """How people read reports: `s3-website` (S3 static website hosting, public reads of
    `reports/*` and the landing page), `cloudfront` (a private bucket behind CloudFront with
    origin access control) or `private` (presigned links only)."""

    block_public_access: bool | None = None
    """Left out, the site mode decides: all four public-access blocks on, except that
    `s3-website` turns off the two policy blocks its public-read policy needs. `true` asks
    for all four in every mode (an error with `s3-website`)."""

    bucket_name: str | None = None
    """The reports bucket's name; left out, CloudFormation generates a unique one. Checked
    against S3's naming rules; a name with a dot gets a warning."""

    encryption: Literal["s3-managed", "kms"] = "s3-managed"
    """Encryption at rest of the reports bucket: SSE-S3, or SSE-KMS with a key of this stack
    (rotated yearly, S3 Bucket Key on). The log bucket is always SSE-S3, as log delivery
    needs."""

    removal_policy: Literal["retain", "destroy"] = "retain"
    """What happens to the buckets, the key and the queue when the stack goes; `destroy` only
    where nothing matters, and only with deletion_protection off. CloudFormation deletes
    only empty buckets (emptying them would need a custom resource), so empty both buckets,
    every version, before deleting the stack."""

    deletion_protection: bool = True
    """The buckets' policies deny s3:DeleteBucket to everyone, so a bucket goes only after
    someone removes that statement."""

    reports_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """Days after which published runs under `reports/` expire."""

    incoming_retention_days: Annotated[int, Field(ge=1, le=30)] = 3
    """Days after which uploaded zips under `incoming/` expire."""

    reports_keep_runs: Annotated[int, Field(ge=1, le=1000)] = 20
    """Runs the publisher keeps per branch; older ones are deleted at publish time."""

    access_logs_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """Days after which the log bucket's server access logs and ALB access logs expire."""

    lifecycle: LifecycleSettings = LifecycleSettings()
    """Lifecycle rules of the reports bucket: transitions, expirations, noncurrent versions,
    aborting incomplete multipart uploads."""

    landing_page: bool = True
    """In `s3-website` and `cloudfront` mode, a function rewrites the site's index.html and
    error.html at the bucket root after each deployment, naming the project, environment,
    account and region and linking every project's reports. Unused in `private` mode."""

    upload_access_point: bool = True
    """An S3 access point for uploaders, whose policy lets them put objects under
    `incoming/` only; its alias is a stack output."""

    upload_principals: tuple[str, ...] = ()
    """IAM ARNs (root, role or user) the access point lets upload; left out, any principal of
    this account whose own IAM policy allows it."""

    cloudfront_price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = (
        "PriceClass_100"
    )
    """The edge locations the `cloudfront` site uses: 100 (North America, Europe), 200, All."""

    publisher: PublisherSettings = PublisherSettings()

    @field_validator("bucket_name")
    @classmethod
    def _s3_bucket_name(cls, value: str | None) -> str | None:
        if value is None:
            return value
        problems = bucket_name_problems(value)
        if problems:
            raise ValueError(f"{'; '.join(problems)} (S3's bucket naming rules)")
        return value

    @field_validator("upload_principals")
    @classmethod
    def _iam_arns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for arn in value:
            if not _IAM_PRINCIPAL_ARN.match(arn):
                raise ValueError(
                    f"{arn!r} is not an IAM principal ARN; expected "
                    "arn:aws:iam::<12 digits>:root, :role/<name> or :user/<name>"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "StorageSettings":
        if self.removal_policy == "destroy" and self.deletion_protection:
            raise setting_error(
                "removal_policy",
                "is destroy while deletion_protection is true; set deletion_protection to "
                "false, or removal_policy to retain",
            )
        if self.site == "s3-website" and self.block_public_access:
            raise setting_error(
                "block_public_access",
                "is true but site is s3-website, whose public-read policy S3 would refuse "
                "behind the policy blocks; choose site cloudfront or private, or leave "
                "block_public_access out",
            )
        if self.site != "s3-website" and self.block_public_access is False:
            raise setting_error(
                "block_public_access",
                f"is false but site is {self.site}, which publishes nothing publicly; only "
                "s3-website opens public access, so leave block_public_access out",
            )
        if self.site == "s3-website" and self.encryption == "kms":
            raise setting_error(
                "encryption",
                "is kms but site is s3-website: S3 website endpoints do not serve SSE-KMS "
                "objects to anonymous readers; choose encryption s3-managed, or site "
                "cloudfront",
            )
        if self.upload_principals and not self.upload_access_point:
            raise setting_error(
                "upload_principals",
                "names principals but upload_access_point is false; turn the access point on, "
                "or leave upload_principals out",
            )
        for index, rule in enumerate(self.lifecycle.rules):
            last = max((t.days for t in rule.transitions), default=None)
            if (
                rule.prefix.startswith(REPORTS_PREFIX)
                and last is not None
                and last >= self.reports_retention_days
            ):
                raise setting_error(
                    f"lifecycle.rules.{index}.transitions",
                    f"moves objects under {rule.prefix!r} on day {last}, but runs under "
                    f"{REPORTS_PREFIX} expire after reports_retention_days "
                    f"({self.reports_retention_days}); expected transitions before day "
                    f"{self.reports_retention_days}, or a longer reports_retention_days",
                )
        return self
