"""The scheduled audit (components/continuous_audit.py): its steps, run by Lambda through checks/aws_lambda.py.

``runs`` holds the steps (list accounts, audit a batch, merge, notify) on an injected boto3 Session and an
S3 layout; ``diff`` the regression diff between two runs. Both reuse the audit (checks.org, checks.merge).
"""
