"""N app replicas behind HAProxy on one PostgreSQL store, on one machine (`./pantau cluster`)."""
from pipelines.cluster.cluster import Cluster, ClusterError

__all__ = ["Cluster", "ClusterError"]
