"""`python -m services.agency` runs the agency process."""
from shared.serve import serve

serve("agency")
