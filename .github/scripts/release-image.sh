#!/usr/bin/env bash
# Releases the app's image into one environment: builds app/ as <version> (tags are immutable,
# so an existing version is released as it is), moves the release tag onto it, and rolls the
# app's Auto Scaling group onto it with an instance refresh, waiting for the outcome.
#
#   .github/scripts/release-image.sh <ci stack, e.g. qea-dev-ci> <version, e.g. v1.2.0>
set -euo pipefail

stack=${1:?usage: release-image.sh <ci stack> <version>}
version=${2:?usage: release-image.sh <ci stack> <version>}

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
repository_uri=$(output ImageRepositoryUri)
release_tag=$(output ReleaseTag)
group=$(output AppGroupName)
registry=${repository_uri%%/*}
repository=${repository_uri#*/}

digest_of() {
  aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$1" \
    --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true
}

aws ecr get-login-password | docker login --username AWS --password-stdin "$registry"

if [ -n "$(digest_of "$version")" ]; then
  echo "release: $repository_uri:$version exists; tags are immutable, so it is released as is"
else
  docker build --pull \
    --build-arg "APP_VERSION=$version" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.revision=${GITHUB_SHA:-unknown}" \
    --tag "$repository_uri:$version" app
  docker push "$repository_uri:$version"
fi

# Move the release tag by putting the version's manifest under it: no pull, no second push.
if [ "$(digest_of "$release_tag")" != "$(digest_of "$version")" ]; then
  image=$(aws ecr batch-get-image --repository-name "$repository" \
    --image-ids "imageTag=$version" --output json)
  aws ecr put-image --repository-name "$repository" --image-tag "$release_tag" \
    --image-manifest "$(jq -r '.images[0].imageManifest' <<<"$image")" \
    --image-manifest-media-type "$(jq -r '.images[0].imageManifestMediaType' <<<"$image")" \
    >/dev/null
fi
echo "release: $repository_uri:$release_tag is now $version"

# New instances pull <repository>:<release tag> at boot. Launch before terminating, so the
# group keeps its capacity. The launch template does not change, so the refresh's own
# rollback would bring back the same release tag: roll back by releasing an older version.
refresh=$(aws autoscaling start-instance-refresh --auto-scaling-group-name "$group" \
  --preferences '{"MinHealthyPercentage": 100, "MaxHealthyPercentage": 200}' \
  --query InstanceRefreshId --output text)
echo "release: instance refresh $refresh of $group started"
while :; do
  status=$(aws autoscaling describe-instance-refreshes --auto-scaling-group-name "$group" \
    --instance-refresh-ids "$refresh" --query 'InstanceRefreshes[0].[Status,PercentageComplete]' \
    --output text)
  echo "release: $status"
  case ${status%%[[:space:]]*} in
    Successful) break ;;
    Failed | Cancelled | RollbackSuccessful | RollbackFailed)
      echo "release: to roll back, re-run the image workflow of the previous version's tag" >&2
      exit 1
      ;;
  esac
  sleep 30
done
