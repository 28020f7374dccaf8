"""`python -m services.review` runs the review process."""
from shared.serve import serve

serve("review")
