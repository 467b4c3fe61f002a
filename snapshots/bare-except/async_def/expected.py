import asyncio
import logging

logger = logging.getLogger(__name__)


async def fetch_all(client, urls):
    results = []
    for url in urls:
        try:
            results.append(await client.get(url))
        except Exception:
            logger.exception("Suppressed exception")
            continue
    return results


async def shutdown(tasks):
    for task in tasks:
        task.cancel()
        try:
            await task
        except BaseException:
            raise
    await asyncio.sleep(0)
