import functools
import os

import boto3


@functools.lru_cache(maxsize=None)
def get_bucket():
    return boto3.resource("s3").Bucket(os.environ["BUCKET"])


@functools.lru_cache(maxsize=None)
def get_s3():
    return boto3.client("s3", endpoint_url=os.getenv("S3_ENDPOINT"))


@functools.wraps(print)
def upload(key, data):
    get_s3().put_object(Bucket=os.environ["BUCKET"], Key=key, Body=data)
