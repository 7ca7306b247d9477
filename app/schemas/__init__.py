"""The shapes the API reads and writes, one module per resource; the OpenAPI page is built
from these."""
