"""Mesa agents: who decides. Each decides once a day; physics stays in twin.physics."""

from twin.agents.enterprise import EnterpriseAgent
from twin.agents.storage import StorageOperator

__all__ = ["EnterpriseAgent", "StorageOperator"]
