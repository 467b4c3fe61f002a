import functools
import os

import boto3

bucket = boto3.resource("s3").Bucket(os.environ["BUCKET"])
s3 = boto3.client("s3", endpoint_url=os.getenv("S3_ENDPOINT"))


@functools.wraps(print)
def upload(key, data):
    s3.put_object(Bucket=os.environ["BUCKET"], Key=key, Body=data)
