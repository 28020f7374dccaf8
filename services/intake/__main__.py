"""`python -m services.intake` runs the intake process."""
from shared.serve import serve

serve("intake")
