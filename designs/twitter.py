"""Twitter: tweets, timelines and search, written with archgen's Python front-end."""

from archgen.dsl import (
    CDN,
    DNS,
    Cache,
    Client,
    Database,
    Design,
    Flow,
    Group,
    LoadBalancer,
    Monitoring,
    ObjectStorage,
    Queue,
    Search,
    Service,
    Worker,
)

ZONES = ["az-a", "az-b", "az-c"]

with Design(
    "Twitter",
    description=(
        "Short public posts, a home timeline of followed accounts, and search. Home timelines are "
        "kept in Redis and filled by fan-out on write; tweets of accounts with millions of "
        "followers are merged in when the timeline is read."
    ),
    requirements={
        "functional": [
            "Post a tweet of up to 280 characters, with optional photos",
            "Follow accounts",
            "Read the home timeline: recent tweets of followed accounts",
            "Search tweets",
        ],
        "non_functional": {"availability": 99.99, "consistency": "eventual", "cap": "AP", "latency_p99_ms": 200},
    },
    capacity={
        "daily_active_users": "200M",
        "read_write_ratio": 100,
        "retention_years": 10,
        "replication_factor": 3,
        "storage_headroom": 0.7,
        "server_storage": "16TB",
        "cache_hot_fraction": 0.2,
        "peak_factor": 5,
        "entities": {
            # A tweet is read about 100 times, mostly within a day or two of being posted.
            "tweets": {
                "writes_per_day": "500M",
                "size": "300B",
                "hot_fraction": 0.1,
                "stored_in": ["tweets_db", "tweet_cache", "index"],
            },
            # One in ten tweets carries a photo or video, served from object storage through the CDN.
            "media": {"writes_per_day": "50M", "size": "100B", "media_size": "1MB", "stored_in": ["media"]},
            # Fan-out on write: an entry per follower (200 on average), kept for a week of timeline reads.
            "timeline_entries": {
                "writes_per_day": "100B",
                "size": "8B",
                "reads_per_write": 0.5,
                "retention": "7d",
                "stored_in": ["timelines"],
            },
        },
    },
    api=[
        {
            "name": "post_tweet",
            "method": "POST",
            "path": "/2/tweets",
            "auth": "oauth2",
            "rate_limit": "300/h",
            "params": {"text": "string", "media_ids": "optional list[id]", "reply_to": "optional id"},
            "returns": "tweet id",
        },
        {
            "name": "home_timeline",
            "method": "GET",
            "path": "/2/timelines/home",
            "auth": "oauth2",
            "rate_limit": "180/min",
            "params": {"max_results": "int", "pagination_token": "optional string"},
            "returns": "tweets, newest first",
        },
        {
            "name": "search",
            "method": "GET",
            "path": "/2/tweets/search/recent",
            "auth": "oauth2",
            "rate_limit": "60/min",
            "params": {"query": "string"},
            "returns": "tweets",
        },
    ],
    data=[
        {
            "entity": "Tweet",
            "store": "tweets_db",
            "primary_key": "tweet_id",
            "fields": {
                "tweet_id": "snowflake id",
                "author_id": "bigint",
                "text": "varchar(280)",
                "created_at": "timestamp",
            },
            "indexes": ["author_id, created_at"],
        },
        {
            "entity": "Follow",
            "store": "graph_db",
            "primary_key": ["follower_id", "followee_id"],
            "fields": {"follower_id": "bigint", "followee_id": "bigint"},
            "indexes": ["followee_id"],
        },
        {
            "entity": "TimelineEntry",
            "store": "timelines",
            "primary_key": ["user_id", "tweet_id"],
            "fields": {"user_id": "bigint", "tweet_id": "snowflake id"},
            "description": "the newest 800 entries per active user",
        },
    ],
    zones=ZONES,
    tradeoffs=[
        {
            "decision": "Fan-out on write into Redis timelines, fan-out on read for large accounts",
            "because": "a timeline read is one Redis range; a celebrity's tweet is not written 100M times",
            "alternatives": ["pull every timeline at read time", "push for every account"],
        },
        {
            "decision": "Time-ordered Snowflake ids",
            "because": "ids sort by time without a central counter, so shards can generate them",
            "alternatives": ["database auto-increment", "random UUIDs (no order)"],
        },
        {
            "decision": "Timelines only for users active in the last 30 days",
            "because": "memory holds the timelines people read; the rest are rebuilt on their next visit",
            "alternatives": ["a timeline for every account"],
        },
    ],
    waivers=[
        {
            "rule": "REL009",
            "reason": (
                "The managed load balancer publishes 99.99%, the target itself, so every request through "
                "it computes just below 99.99%; meeting the target would take two load balancers behind "
                "DNS failover. Accepted for this design."
            ),
        }
    ],
    layout={"direction": "LR"},
    views=["flow:read_timeline", "group:Write path"],
):
    users = Client("users")
    dns = DNS("dns", managed=True, availability=100)  # managed DNS services publish 100%
    cdn = CDN("cdn", managed=True)
    lb = LoadBalancer("lb", managed=True, availability=99.99, rate_limit="300000/s")
    with Group("Write path", zones=ZONES):
        tweet_api = Service("tweet_api", name="Tweet service", replicas=30)
    with Group("Read path", zones=ZONES):
        timeline_api = Service("timeline_api", name="Timeline service", replicas=80)
        search_api = Service("search_api", name="Search service", replicas=20)
    new_tweets = Queue("new_tweets", engine="kafka", replicas=6, zones=ZONES)
    with Group("Write path", zones=ZONES):
        fanout = Worker("fanout", name="Fan-out", replicas=50)
        indexer = Worker("indexer", name="Search indexer", replicas=10)
    timelines = Cache(
        "timelines",
        name="Home timelines",
        engine="redis",
        replicas=2,  # copies of each shard
        zones=ZONES,
        memory="2TB",
        partitioning={"strategy": "consistent_hash", "key": "user_id", "shards": 45},
        eviction="lru",
        strategy="write_through",
        persistence=True,
    )
    tweet_cache = Cache(
        "tweet_cache",
        engine="memcached",
        replicas=40,
        zones=ZONES,
        memory="1.5TB",
        eviction="lru",
        strategy="cache_aside",
        ttl="3d",
    )
    tweets_db = Database(
        "tweets_db",
        engine="mysql",
        replicas=3,
        zones=ZONES,
        replication="async",
        read_replicas=2,  # per shard: timelines and search read tweets 100 times for each write
        backup=True,
        partitioning={"strategy": "consistent_hash", "key": "tweet_id", "shards": 512},
    )
    graph_db = Database(
        "graph_db",
        engine="mysql",
        replicas=3,
        zones=ZONES,
        replication="async",
        backup=True,
        partitioning={"strategy": "consistent_hash", "key": "follower_id", "shards": 128},
    )
    index = Search(
        "index",
        engine="elasticsearch",
        replicas=3,
        zones=ZONES,
        replication="async",
        partitioning={"strategy": "range", "key": "created_at", "shards": 64},
    )
    media = ObjectStorage("media", engine="s3", managed=True, backup=True)
    metrics = Monitoring("metrics", engine="prometheus", replicas=2, zones=["az-a", "az-b"])

    users >> [dns, cdn.labelled("photos"), lb]
    cdn >> media
    lb >> [tweet_api, timeline_api, search_api]
    tweet_api >> [tweets_db, tweet_cache.optional(), media, new_tweets.labelled("new tweet")]
    new_tweets >> [fanout.async_(), indexer.async_()]
    fanout >> [graph_db.reads("followers"), timelines]
    indexer >> index
    timeline_api >> [timelines, tweet_cache.optional(), tweets_db.reads(), graph_db.reads()]
    search_api >> [index, tweet_cache.optional(), tweets_db.reads()]

    Flow("read_timeline", users, lb, timeline_api, timelines, mode="read")
    Flow("post_tweet", users, lb, tweet_api, tweets_db)
    Flow("search", users, lb, search_api, index, mode="read")
