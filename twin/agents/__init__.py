"""Mesa agents: who decides. Each decides once a day; physics stays in twin.physics."""

from twin.agents.ccus import CCUSOperator
from twin.agents.enterprise import EnterpriseAgent
from twin.agents.fleet import FleetAgent
from twin.agents.storage import StorageOperator

__all__ = ["CCUSOperator", "EnterpriseAgent", "FleetAgent", "StorageOperator"]
