"""Uber: ride hailing, written with archgen's Python front-end."""

from archgen.dsl import (
    DNS,
    Cache,
    Client,
    Database,
    Design,
    Group,
    External,
    Flow,
    LoadBalancer,
    Monitoring,
    Queue,
    Service,
    Worker,
)

ZONES = ["az-a", "az-b", "az-c"]

with Design(
    "Uber",
    description=(
        "Ride hailing. Drivers report their location every four seconds into an in-memory geo index; "
        "a rider's request is matched to the nearest available driver, and the trip is recorded in a "
        "database sharded by city. Payment and notifications happen off the request path."
    ),
    requirements={
        "functional": [
            "Drivers report their location and availability",
            "Riders see nearby drivers and request a ride",
            "Match a request to the nearest available driver, who accepts or declines",
            "Track the trip and charge the rider at the end",
        ],
        "non_functional": {"availability": 99.99, "consistency": "eventual", "cap": "AP", "latency_p99_ms": 300},
    },
    capacity={
        "daily_active_users": "20M",
        "writes_per_day": "60B",
        "read_write_ratio": 0.5,
        "object_size": "50B",
        "retention_years": 0.1,
        "replication_factor": 3,
        "storage_headroom": 0.7,
        "server_storage": "16TB",
        "cache_hot_fraction": 0.2,
        "peak_factor": 3,
    },
    api=[
        {
            "name": "update_location",
            "method": "POST",
            "path": "/v1/drivers/me/location",
            "auth": "oauth2",
            "rate_limit": "30/min",
            "params": {"latitude": "float", "longitude": "float", "available": "bool"},
            "returns": "nothing",
        },
        {
            "name": "nearby_drivers",
            "method": "GET",
            "path": "/v1/drivers/nearby",
            "auth": "oauth2",
            "rate_limit": "30/min",
            "params": {"latitude": "float", "longitude": "float"},
            "returns": "driver positions, refreshed every few seconds",
        },
        {
            "name": "request_ride",
            "method": "POST",
            "path": "/v1/rides",
            "auth": "oauth2",
            "rate_limit": "5/min",
            "params": {"pickup": "location", "destination": "location", "product": "string"},
            "returns": "ride id; the match arrives by push",
        },
    ],
    data=[
        {
            "entity": "DriverLocation",
            "store": "locations",
            "primary_key": "driver_id",
            "fields": {"driver_id": "bigint", "geohash": "char(7)", "available": "bool", "updated_at": "timestamp"},
            "indexes": ["geohash"],
        },
        {
            "entity": "Trip",
            "store": "trips_db",
            "primary_key": ["city_id", "trip_id"],
            "fields": {
                "city_id": "int",
                "trip_id": "uuid",
                "rider_id": "bigint",
                "driver_id": "bigint",
                "state": "requested, matched, started, finished or cancelled",
                "fare": "decimal(10,2)",
            },
            "indexes": ["rider_id", "driver_id"],
        },
    ],
    zones=ZONES,
    tradeoffs=[
        {
            "decision": "Driver locations only in memory, in a geo index",
            "because": "a location is stale after four seconds; writing 60B a day to disk buys nothing",
            "alternatives": ["a QuadTree rebuilt periodically", "PostGIS with a spatial index"],
        },
        {
            "decision": "Shard trips by city",
            "because": "a trip never spans cities, and most queries are local",
            "alternatives": ["shard by trip id"],
        },
        {
            "decision": "Charge the rider off the request path",
            "because": "the payment provider's latency and outages must not hold a trip open",
            "alternatives": ["charge synchronously when the trip ends"],
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
):
    riders = Client("riders", name="Rider apps")
    drivers = Client("drivers", name="Driver apps")
    dns = DNS("dns", managed=True, availability=100)  # managed DNS services publish 100%
    lb = LoadBalancer("lb", managed=True, availability=99.99, rate_limit="500000/s")
    with Group("Dispatch", zones=ZONES):
        location = Service("location", name="Location service", replicas=40)
        matching = Service("matching", name="Matching service", replicas=20)
    with Group("Trips", zones=ZONES):
        trips = Service("trips", name="Trip service", replicas=20)
    locations = Cache(
        "locations",
        name="Geo index",
        engine="redis",
        replicas=2,  # copies of each shard
        zones=ZONES,
        memory="1TB",
        partitioning={"strategy": "consistent_hash", "key": "geohash", "shards": 12},
        eviction="lru",
        ttl="30s",
    )
    trips_db = Database(
        "trips_db",
        engine="postgresql",
        replicas=3,
        zones=ZONES,
        replication="sync",
        failover="automatic",
        backup=True,
        partitioning={"strategy": "list", "key": "city_id", "shards": 600},
    )
    trip_events = Queue("trip_events", engine="kafka", replicas=3, zones=ZONES)
    billing = Worker("billing", name="Billing", replicas=4, zones=ZONES, group="Trips")
    notifier = Worker("notifier", name="Push sender", replicas=6, zones=ZONES, group="Dispatch")
    payments = External("payments", name="Payment provider", managed=True)
    push = External("push", name="APNs and FCM", managed=True)
    metrics = Monitoring("metrics", engine="prometheus", replicas=2, zones=["az-a", "az-b"])

    riders >> [dns, lb]
    drivers >> [dns, lb]
    lb >> [location, matching, trips]
    location >> locations
    matching >> [locations, trips, trip_events.labelled("offer")]
    trips >> [trips_db, trip_events.labelled("trip changed")]
    trip_events >> [billing.async_(), notifier.async_()]
    billing >> [trips_db, payments.optional("retried until it succeeds")]
    notifier >> push.optional("best effort")

    Flow("request_ride", riders, lb, matching, trips, trips_db)
    Flow("track_driver", drivers, lb, location, locations)
