"""`python -m services.notify` runs the notify process."""
from shared.serve import serve

serve("notify")
