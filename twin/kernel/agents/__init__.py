"""Mesa agents: who decides. Each decides once a day; physics stays in twin.physics."""

from twin.kernel.agents.ccus import CCUSOperator
from twin.kernel.agents.enterprise import EnterpriseAgent
from twin.kernel.agents.fleet import FleetAgent
from twin.kernel.agents.storage import StorageOperator

__all__ = ["CCUSOperator", "EnterpriseAgent", "FleetAgent", "StorageOperator"]
