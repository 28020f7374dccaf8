"""Code shared by every greenlist service and the workflows worker."""
