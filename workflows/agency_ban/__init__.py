"""AgencyBanWorkflow: a sanctioned agency's ban and its durable end."""
