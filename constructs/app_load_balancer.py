"""The internet-facing load balancer in front of the app's instances."""

from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3

from constructs import Construct

TLS_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ


class AppLoadBalancer(Construct):
    """An ALB in the public subnets that forwards to one target group of the app's instances.

    With a certificate it serves HTTPS with a current TLS 1.3 policy and redirects HTTP to it;
    without one it serves HTTP only. Requests with invalid header fields are dropped. The
    targets' security group admits the target port from this load balancer only.

    Without the optional arguments: health checks of `/` every 15 s with a 5 s timeout,
    2 passes to be healthy and 3 failures to be unhealthy; 30 s deregistration delay; no
    certificate (HTTP only); no access logs (with a bucket, under `access_log_prefix`,
    default `alb`).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        targets: list[elbv2.IApplicationLoadBalancerTarget],
        target_port: int,
        health_check_path: str = "/",
        health_check_interval: Duration | None = None,
        health_check_timeout: Duration | None = None,
        healthy_threshold: int = 2,
        unhealthy_threshold: int = 3,
        deregistration_delay: Duration | None = None,
        certificate_arn: str | None = None,
        access_log_bucket: s3.IBucket | None = None,
        access_log_prefix: str = "alb",
    ) -> None:
        super().__init__(scope, id)
        health_check_interval = health_check_interval or Duration.seconds(15)
        health_check_timeout = health_check_timeout or Duration.seconds(5)
        deregistration_delay = deregistration_delay or Duration.seconds(30)

        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=vpc,
            internet_facing=True,
            vpc_subnets=subnets,
            drop_invalid_header_fields=True,
        )
        self.target_group = elbv2.ApplicationTargetGroup(
            self,
            "AppTargets",
            vpc=vpc,
            port=target_port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=targets,
            health_check=elbv2.HealthCheck(
                path=health_check_path,
                interval=health_check_interval,
                timeout=health_check_timeout,
                healthy_threshold_count=healthy_threshold,
                unhealthy_threshold_count=unhealthy_threshold,
                healthy_http_codes="200-399",
            ),
            deregistration_delay=deregistration_delay,
        )

        if certificate_arn:
            self.load_balancer.add_listener(
                "Https",
                port=443,
                protocol=elbv2.ApplicationProtocol.HTTPS,
                certificates=[elbv2.ListenerCertificate.from_arn(certificate_arn)],
                ssl_policy=TLS_POLICY,
                default_target_groups=[self.target_group],
                open=True,
            )
            self.load_balancer.add_listener(
                "Http",
                port=80,
                protocol=elbv2.ApplicationProtocol.HTTP,
                default_action=elbv2.ListenerAction.redirect(
                    protocol="HTTPS", port="443", permanent=True
                ),
                open=True,
            )
            self.url = f"https://{self.load_balancer.load_balancer_dns_name}"
        else:
            self.load_balancer.add_listener(
                "Http",
                port=80,
                protocol=elbv2.ApplicationProtocol.HTTP,
                default_target_groups=[self.target_group],
                open=True,
            )
            self.url = f"http://{self.load_balancer.load_balancer_dns_name}"

        if access_log_bucket is not None:
            # Attributes only: `log_access_logs` would also write the delivery grant into the
            # bucket's policy, which belongs to the storage stack (it grants ELB itself).
            self.load_balancer.set_attribute("access_logs.s3.enabled", "true")
            self.load_balancer.set_attribute("access_logs.s3.bucket", access_log_bucket.bucket_name)
            self.load_balancer.set_attribute("access_logs.s3.prefix", access_log_prefix)
