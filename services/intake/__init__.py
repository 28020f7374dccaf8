"""Intake: where applicants apply and the 37 recommending authorities recommend."""
