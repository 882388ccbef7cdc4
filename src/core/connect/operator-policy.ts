/**
 * The IAM policy an operator needs for the `tug` CLI against a deployed stage, printed by `tug connect`
 * when the stack does not output its own (OperatorPolicy). Starting and following runs, reading the
 * store for `tug status`/`tug abort`, and what `tug connect` itself calls (access entries, tags). The
 * Kubernetes side of connect needs a cluster admin access entry (the cluster creator has one).
 */
export const OPERATOR_POLICY_OUTPUT = "OperatorPolicy";

export const DOCUMENTED_OPERATOR_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "RunWorkflows",
      Effect: "Allow",
      Action: [
        "states:StartExecution",
        "states:DescribeExecution",
        "states:GetExecutionHistory",
        "states:StopExecution",
      ],
      Resource: [
        "arn:aws:states:<region>:<account>:stateMachine:<stage>-tugboat-*",
        "arn:aws:states:<region>:<account>:execution:<stage>-tugboat-*:*",
      ],
    },
    {
      Sid: "ReadAndSteerRuns",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
      Resource: "arn:aws:dynamodb:<region>:<account>:table/<TableName output>",
    },
    {
      Sid: "ConnectClusters",
      Effect: "Allow",
      Action: [
        "eks:DescribeCluster",
        "eks:ListNodegroups",
        "eks:DescribeNodegroup",
        "eks:DescribeAccessEntry",
        "eks:CreateAccessEntry",
        "eks:UpdateAccessEntry",
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:CreateOrUpdateTags",
        "ec2:DescribeLaunchTemplates",
        "ec2:CreateTags",
      ],
      Resource: "*",
    },
  ],
} as const;
