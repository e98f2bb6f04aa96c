"""AWS::IAM::OIDCProvider, which moto 5.2 drops from templates.

The CI stack's GitHub provider (`iam.OidcProviderNative`) exists in moto with its URL, client
ids and thumbprints, so the deploy role's trust policy names a provider that is there. moto
does not exchange web identity tokens against it.
"""

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from emulator.resource import EmulatedResource, properties


class OIDCProvider(EmulatedResource, CloudFormationModel):
    """AWS::IAM::OIDCProvider: an OpenID Connect provider in moto's IAM. Ref gives its ARN."""

    TYPE = "AWS::IAM::OIDCProvider"
    ATTRIBUTES = ("Arn",)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "OIDCProvider":
        props = properties(cloudformation_json)
        provider = iam_backends[account_id][
            get_partition(region_name)
        ].create_open_id_connect_provider(
            url=props["Url"],
            thumbprint_list=props.get("ThumbprintList") or [],
            client_id_list=props.get("ClientIdList") or [],
            tags=props.get("Tags") or [],
        )
        return cls(provider.arn, {"Arn": provider.arn})

    def delete(self, account_id: str, region_name: str) -> None:
        backend = iam_backends[account_id][get_partition(region_name)]
        backend.delete_open_id_connect_provider(self.physical_resource_id)


MODELS = (OIDCProvider,)
