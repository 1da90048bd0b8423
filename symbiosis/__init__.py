"""symbiosis: find where one company's waste can become another's resource.

The pipeline reads in module order: flows (inventory) -> matcher (links)
-> optimize (allocation) -> scenarios -> report.
"""

__version__ = "0.1.0"
