"""Compute services: each gets one role, which its outgoing edges fill with statements.

Lambda functions get a log group, a role and an inline stub; ECS and Fargate services a
Fargate task with task and execution roles; EC2 an instance with an instance profile; Glue
a job; Step Functions a state machine whose states the edges add; Batch a Fargate job queue;
EKS a cluster; Lightsail an instance.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.iam import RolePolicy, role_properties
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Select, Sub
from archdsl.export.cloudformation.registry import finisher, service
from archdsl.export.cloudformation.services import (
    REF,
    Face,
    allow_logs,
    compute_role,
    log_group,
    managed_role,
    publish,
    tags,
)
from archdsl.export.cloudformation.stubs import Call, handler_code
from archdsl.export.cloudformation.template import Resource

RUNTIME = "python3.13"
"""The newest Python runtime cfn-lint 1.20+ knows without a deprecation warning."""
FUNCTION_TIMEOUT = 30
CONTAINER_IMAGE = "public.ecr.aws/nginx/nginx:stable"
CONTAINER_PORT = 80


def calls(ctx: Context, node_id: str) -> list[Call]:
    """The SDK calls a compute service makes, one per outgoing edge (filled by the wiring)."""
    found: dict[str, list[Call]] = ctx.state.setdefault("calls", {})
    return found.setdefault(node_id, [])


def triggers(ctx: Context, node_id: str) -> set[str]:
    """Catalogue keys of the services that invoke a function (filled by the wiring)."""
    found: dict[str, set[str]] = ctx.state.setdefault("triggers", {})
    return found.setdefault(node_id, set())


# -- Lambda -------------------------------------------------------------------------------------


@service("lambda")
def build_function(ctx: Context, node: AwsNode) -> None:
    name_text = ctx.name_text(node)
    group = log_group(ctx, node, Sub(f"/aws/lambda/{name_text}"))
    policy = compute_role(ctx, node, "lambda.amazonaws.com")
    allow_logs(policy, group)
    properties: dict[str, Any] = {
        "FunctionName": Sub(name_text),
        "Description": _description(node),
        "Runtime": RUNTIME,
        "Handler": "index.handler",
        "Timeout": FUNCTION_TIMEOUT,
        "MemorySize": 256,
        "Role": GetAtt(policy.logical_id, "Arn"),
        "LoggingConfig": {"LogGroup": Ref(group.logical_id)},
    }
    if node.network is not None:
        properties["VpcConfig"] = {
            "SubnetIds": network.subnet_ids(ctx, node),
            "SecurityGroupIds": [network.security_group(ctx, node)],
        }
        policy.allow(
            "ManageVpcNetworkInterfaces",
            [
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "*",
        )
    function = ctx.add(node, "Function", "AWS::Lambda::Function", properties)
    publish(
        ctx,
        node,
        function,
        Face("FUNCTION_NAME", "Arn", output="FunctionArn", says="function ARN", shows="Arn"),
        # Other compute services name the function by its name, not by Ref: two functions
        # calling each other would otherwise depend on each other.
        arn_by_name=Sub(ctx.arn_text("lambda", f"function:{name_text}")),
        name_by_name=Sub(name_text),
    )


@finisher("lambda")
def finish_function(ctx: Context, node: AwsNode) -> None:
    function = ctx.resource(node.id)
    variables = ctx.env.get(node.id)
    if variables:
        function.properties["Environment"] = {"Variables": dict(sorted(variables.items()))}
    code = handler_code(node.title, calls(ctx, node.id), triggers(ctx, node.id))
    function.properties["Code"] = {"ZipFile": code}


def _description(node: AwsNode) -> str:
    text = f"{node.title} (diagram: {node.id})"
    return text if len(text) <= 256 else text[:253] + "..."


# -- ECS and Fargate ----------------------------------------------------------------------------


def _cluster(ctx: Context, node: AwsNode) -> str:
    """One cluster for every container service of the template, listed with the first."""
    if "ecs_cluster" not in ctx.state:
        cluster = ctx.add(
            node,
            "Cluster",
            "AWS::ECS::Cluster",
            {
                "ClusterName": Sub("${ProjectName}-${EnvironmentName}"),
                "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}],
                "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
            },
        )
        _ = ctx.project, ctx.environment
        ctx.state["ecs_cluster"] = cluster.logical_id
    return str(ctx.state["ecs_cluster"])


@service("ecs", "fargate")
def build_container_service(ctx: Context, node: AwsNode) -> None:
    cluster = _cluster(ctx, node)
    name_text = ctx.name_text(node)
    group = log_group(ctx, node, Sub(f"/ecs/{name_text}"))
    task_role = compute_role(ctx, node, "ecs-tasks.amazonaws.com", "TaskRole")
    execution = ctx.add(
        node, "ExecutionRole", "AWS::IAM::Role", role_properties("ecs-tasks.amazonaws.com")
    )
    execution_policy = _policy_of(execution, node)
    allow_logs(execution_policy, group)
    execution_policy.finish()
    image = ctx.template.parameter(
        f"{node.base}Image",
        {
            "Type": "String",
            "Default": CONTAINER_IMAGE,
            "Description": f"Container image of {node.title} ({node.id} in the diagram).",
        },
    )
    task = ctx.add(
        node,
        "TaskDefinition",
        "AWS::ECS::TaskDefinition",
        {
            "Family": Sub(name_text),
            "RequiresCompatibilities": ["FARGATE"],
            "NetworkMode": "awsvpc",
            "Cpu": "256",
            "Memory": "512",
            "ExecutionRoleArn": GetAtt(execution.logical_id, "Arn"),
            "TaskRoleArn": GetAtt(task_role.logical_id, "Arn"),
            "ContainerDefinitions": [
                {
                    "Name": node.slug,
                    "Image": image,
                    "Essential": True,
                    "PortMappings": [{"ContainerPort": CONTAINER_PORT, "Protocol": "tcp"}],
                    "LogConfiguration": {
                        "LogDriver": "awslogs",
                        "Options": {
                            "awslogs-group": Ref(group.logical_id),
                            "awslogs-region": Ref("AWS::Region"),
                            "awslogs-stream-prefix": node.slug,
                        },
                    },
                }
            ],
        },
    )
    public = network.is_public(ctx, node)
    container_service = ctx.add(
        node,
        "Service",
        "AWS::ECS::Service",
        {
            "ServiceName": Sub(name_text),
            "Cluster": Ref(cluster),
            "TaskDefinition": Ref(task.logical_id),
            **_capacity(node),
            "DesiredCount": 1,
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": network.subnet_ids(ctx, node),
                    "SecurityGroups": [network.security_group(ctx, node)],
                    "AssignPublicIp": "ENABLED" if public else "DISABLED",
                }
            },
        },
    )
    face = Face("SERVICE_NAME", REF, "Name", output="ServiceName", says="ECS service")
    publish(ctx, node, container_service, face, task=task.logical_id, container=node.slug)


def _capacity(node: AwsNode) -> dict[str, Any]:
    """Both run on Fargate; an ECS node says so through the cluster's capacity provider, so
    that the template still tells a drawn ECS service from a drawn Fargate one."""
    if node.key == "fargate":
        return {"LaunchType": "FARGATE"}
    return {"CapacityProviderStrategy": [{"CapacityProvider": "FARGATE", "Weight": 1}]}


@finisher("ecs", "fargate")
def finish_container_service(ctx: Context, node: AwsNode) -> None:
    variables = ctx.env.get(node.id)
    if not variables:
        return
    task = ctx.template.resources[ctx.handle(node.id).extra["task"]]
    container = task.properties["ContainerDefinitions"][0]
    container["Environment"] = [
        {"Name": name, "Value": value} for name, value in sorted(variables.items())
    ]


def _policy_of(role: Resource, node: AwsNode) -> RolePolicy:
    """The execution role's policy (pulling the image, writing logs), apart from the task's."""
    return RolePolicy(role, f"{node.slug}-execution")


# -- EC2 ----------------------------------------------------------------------------------------


def _image_parameter(ctx: Context) -> Any:
    return ctx.template.parameter(
        "LatestAmiId",
        {
            "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            "Default": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            "Description": "Image of the EC2 instances (the latest Amazon Linux 2023 by default).",
        },
    )


@service("ec2")
def build_instance(ctx: Context, node: AwsNode) -> None:
    role = compute_role(ctx, node, "ec2.amazonaws.com")
    profile = ctx.add(
        node,
        "InstanceProfile",
        "AWS::IAM::InstanceProfile",
        {"Roles": [Ref(role.logical_id)]},
    )
    instance = ctx.add(
        node,
        "Instance",
        "AWS::EC2::Instance",
        {
            "ImageId": _image_parameter(ctx),
            "InstanceType": "t3.micro",
            "IamInstanceProfile": Ref(profile.logical_id),
            "SubnetId": Select(0, network.subnet_ids(ctx, node)),
            "SecurityGroupIds": [network.security_group(ctx, node)],
            "MetadataOptions": {"HttpTokens": "required"},
            "Tags": tags(ctx.name(node)),
        },
    )
    publish(ctx, node, instance, Face("INSTANCE_ID", output="InstanceId", says="instance id"))


# -- Glue ---------------------------------------------------------------------------------------


@service("glue")
def build_glue_job(ctx: Context, node: AwsNode) -> None:
    role = compute_role(ctx, node, "glue.amazonaws.com")
    name_text = ctx.name_text(node)
    assets = "aws-glue-assets-${AWS::AccountId}-${AWS::Region}"
    role.allow(
        "ReadJobScript",
        ["s3:GetObject"],
        Sub(f"arn:${{AWS::Partition}}:s3:::{assets}/scripts/*"),
    )
    role.allow(
        "WriteJobLogs",
        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Sub(ctx.arn_text("logs", "log-group:/aws-glue/*")),
    )
    job = ctx.add(
        node,
        "Job",
        "AWS::Glue::Job",
        {
            "Name": Sub(name_text),
            "Description": _description(node),
            "Role": GetAtt(role.logical_id, "Arn"),
            "GlueVersion": "5.0",
            "WorkerType": "G.1X",
            "NumberOfWorkers": 2,
            "Command": {
                "Name": "glueetl",
                "PythonVersion": "3",
                "ScriptLocation": Sub(f"s3://{assets}/scripts/{name_text}.py"),
            },
            "DefaultArguments": {"--job-language": "python"},
        },
    )
    arn = Sub(ctx.arn_text("glue", f"job/{name_text}"))
    publish(ctx, node, job, Face("JOB_NAME", arn, output="JobName", says="Glue job"))


@finisher("glue")
def finish_glue_job(ctx: Context, node: AwsNode) -> None:
    job = ctx.resource(node.id)
    for name, value in sorted(ctx.env.get(node.id, {}).items()):
        job.properties["DefaultArguments"]["--" + name.lower()] = value


# -- Step Functions -----------------------------------------------------------------------------


def steps(ctx: Context, node_id: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(state name, state, definition substitutions) per outgoing edge, in edge order."""
    found: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = ctx.state.setdefault(
        "steps", {}
    )
    return found.setdefault(node_id, [])


@service("step_functions")
def build_state_machine(ctx: Context, node: AwsNode) -> None:
    role = compute_role(ctx, node, "states.amazonaws.com")
    name_text = ctx.name_text(node)
    machine = ctx.add(
        node,
        "StateMachine",
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineName": Sub(name_text),
            "StateMachineType": "STANDARD",
            "RoleArn": GetAtt(role.logical_id, "Arn"),
        },
    )
    publish(
        ctx,
        node,
        machine,
        Face("STATE_MACHINE_ARN", REF, output="StateMachineArn", says="state machine ARN"),
        arn_by_name=Sub(ctx.arn_text("states", f"stateMachine:{name_text}")),
        name_by_name=Sub(ctx.arn_text("states", f"stateMachine:{name_text}")),
    )


@finisher("step_functions")
def finish_state_machine(ctx: Context, node: AwsNode) -> None:
    machine = ctx.resource(node.id)
    found = steps(ctx, node.id)
    states: dict[str, Any] = {}
    substitutions: dict[str, Any] = {}
    if not found:
        states["Start"] = {
            "Type": "Pass",
            "Comment": "No outgoing edges in the diagram",
            "End": True,
        }
    for index, (name, state, subs) in enumerate(found):
        state = dict(state)
        if index + 1 < len(found):
            state["Next"] = found[index + 1][0]
        else:
            state["End"] = True
        states[name] = state
        substitutions.update(subs)
    machine.properties["Definition"] = {
        "Comment": _description(node),
        "StartAt": next(iter(states)),
        "States": states,
    }
    if substitutions:
        machine.properties["DefinitionSubstitutions"] = dict(sorted(substitutions.items()))


# -- Batch --------------------------------------------------------------------------------------


@service("batch")
def build_batch(ctx: Context, node: AwsNode) -> None:
    job_role = compute_role(ctx, node, "ecs-tasks.amazonaws.com", "JobRole")
    execution = ctx.add(
        node, "ExecutionRole", "AWS::IAM::Role", role_properties("ecs-tasks.amazonaws.com")
    )
    group = log_group(ctx, node, Sub(f"/aws/batch/{ctx.name_text(node)}"))
    execution_policy = _policy_of(execution, node)
    allow_logs(execution_policy, group)
    execution_policy.finish()
    environment = ctx.add(
        node,
        "ComputeEnvironment",
        "AWS::Batch::ComputeEnvironment",
        {
            "Type": "MANAGED",
            "State": "ENABLED",
            "ComputeResources": {
                "Type": "FARGATE",
                "MaxvCpus": 16,
                "Subnets": network.subnet_ids(ctx, node),
                "SecurityGroupIds": [network.security_group(ctx, node)],
            },
        },
    )
    queue = ctx.add(
        node,
        "JobQueue",
        "AWS::Batch::JobQueue",
        {
            "JobQueueName": ctx.name(node),
            "Priority": 1,
            "State": "ENABLED",
            "ComputeEnvironmentOrder": [
                {"Order": 1, "ComputeEnvironment": Ref(environment.logical_id)}
            ],
        },
    )
    definition = ctx.add(
        node,
        "JobDefinition",
        "AWS::Batch::JobDefinition",
        {
            "Type": "container",
            "JobDefinitionName": ctx.name(node),
            "PlatformCapabilities": ["FARGATE"],
            "ContainerProperties": {
                "Image": "public.ecr.aws/amazonlinux/amazonlinux:2023",
                "Command": ["echo", "hello"],
                "JobRoleArn": GetAtt(job_role.logical_id, "Arn"),
                "ExecutionRoleArn": GetAtt(execution.logical_id, "Arn"),
                "ResourceRequirements": [
                    {"Type": "VCPU", "Value": "0.25"},
                    {"Type": "MEMORY", "Value": "512"},
                ],
                "LogConfiguration": {
                    "LogDriver": "awslogs",
                    "Options": {"awslogs-group": Ref(group.logical_id)},
                },
                "NetworkConfiguration": {"AssignPublicIp": "DISABLED"},
            },
        },
    )
    face = Face("JOB_QUEUE_ARN", REF, output="JobQueueArn", says="job queue ARN")
    publish(ctx, node, queue, face, definition=definition.logical_id)


@finisher("batch")
def finish_batch(ctx: Context, node: AwsNode) -> None:
    variables = ctx.env.get(node.id)
    if variables:
        definition = ctx.template.resources[ctx.handle(node.id).extra["definition"]]
        definition.properties["ContainerProperties"]["Environment"] = [
            {"Name": name, "Value": value} for name, value in sorted(variables.items())
        ]


# -- EKS and Lightsail --------------------------------------------------------------------------


@service("eks")
def build_eks(ctx: Context, node: AwsNode) -> None:
    role = managed_role(ctx, node, "ClusterRole", "eks.amazonaws.com", "AmazonEKSClusterPolicy")
    cluster = ctx.add(
        node,
        "Cluster",
        "AWS::EKS::Cluster",
        {
            "Name": ctx.name(node),
            "RoleArn": GetAtt(role.logical_id, "Arn"),
            "ResourcesVpcConfig": {
                "SubnetIds": network.subnet_ids(ctx, node),
                "SecurityGroupIds": [network.security_group(ctx, node)],
                "EndpointPrivateAccess": True,
                "EndpointPublicAccess": False,
            },
        },
    )
    face = Face(
        "CLUSTER_NAME",
        "Arn",
        output="ClusterEndpoint",
        says="Kubernetes API endpoint",
        shows="Endpoint",
    )
    publish(ctx, node, cluster, face)


@service("lightsail")
def build_lightsail(ctx: Context, node: AwsNode) -> None:
    instance = ctx.add(
        node,
        "Instance",
        "AWS::Lightsail::Instance",
        {
            "InstanceName": ctx.name(node),
            "BlueprintId": "amazon_linux_2023",
            "BundleId": "nano_3_0",
        },
    )
    face = Face(
        "INSTANCE_NAME", output="PublicIp", says="public IP address", shows="PublicIpAddress"
    )
    publish(ctx, node, instance, face)
