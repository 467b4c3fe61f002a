import boto3

from app.config import settings

s3 = boto3.client("s3", region_name=settings.AWS_REGION)


def reset() -> None:
    global s3
    s3 = boto3.client("s3", region_name=settings.AWS_REGION)
