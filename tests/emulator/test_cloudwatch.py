"""The CloudWatch alarm: stored in moto with its metric, threshold and actions."""

from tests.emulator.conftest import get_att, ref, resource, resources, with_outputs


def cpu_alarm(**props) -> dict:
    alarm = resource(
        "AWS::CloudWatch::Alarm",
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "reports-db"}],
        Statistic="Average",
        Period=300,
        EvaluationPeriods=3,
        Threshold=80,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[ref("Topic")],
        **props,
    )
    return with_outputs(
        resources(Topic=resource("AWS::SNS::Topic"), Alarm=alarm),
        Name=ref("Alarm"),
        Arn=get_att("Alarm", "Arn"),
        Topic=ref("Topic"),
    )


def test_alarm_exists_with_its_metric_threshold_and_action(deploy, aws):
    outputs = deploy(cpu_alarm())

    alarm = aws("cloudwatch").describe_alarms(AlarmNames=[outputs["Name"]])["MetricAlarms"][0]

    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/RDS", "CPUUtilization")
    assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (80.0, 3)
    assert alarm["AlarmActions"] == [outputs["Topic"]]
    assert alarm["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "reports-db"}]
    assert outputs["Arn"] == alarm["AlarmArn"]


def test_alarm_on_a_metric_math_expression_is_stored(deploy, aws):
    template = cpu_alarm()
    props = template["Resources"]["Alarm"]["Properties"]
    for key in ("Namespace", "MetricName", "Dimensions", "Statistic", "Period"):
        del props[key]
    props["Metrics"] = [
        {"Id": "errors", "Expression": "m1 * 100", "Label": "5xx %", "ReturnData": True},
        {
            "Id": "m1",
            "ReturnData": False,
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/ApplicationELB",
                    "MetricName": "HTTPCode_ELB_5XX_Count",
                },
                "Period": 60,
                "Stat": "Sum",
            },
        },
    ]
    outputs = deploy(template)

    alarm = aws("cloudwatch").describe_alarms(AlarmNames=[outputs["Name"]])["MetricAlarms"][0]

    assert [m["Id"] for m in alarm["Metrics"]] == ["errors", "m1"]


def test_update_changes_the_threshold_of_the_same_alarm(deploy, aws):
    template = cpu_alarm()
    outputs = deploy(template)

    template["Resources"]["Alarm"]["Properties"]["Threshold"] = 90
    updated = deploy(template, update=outputs["StackName"])

    alarm = aws("cloudwatch").describe_alarms(AlarmNames=[outputs["Name"]])["MetricAlarms"][0]
    assert updated["Name"] == outputs["Name"]
    assert alarm["Threshold"] == 90.0


def test_deleting_the_stack_deletes_the_alarm(deploy, aws):
    outputs = deploy(cpu_alarm())

    aws("cloudformation").delete_stack(StackName=outputs["StackName"])

    assert aws("cloudwatch").describe_alarms(AlarmNames=[outputs["Name"]])["MetricAlarms"] == []
