"""Metering: usage events in, exact aggregates out (issue 9).

Pure, I/O-free parts: the CloudEvents usage event (`events`), billing periods (`periods`), the
aggregates (`aggregate`) and the five meters (`meters`). On top of them: the durable stores
(`store`: SQLite, PostgreSQL), the transports (`pipeline`: embedded; `redis_streams`) and NDJSON
ingest (`ingest`). Nothing here touches the network at import time.
"""
