"""Optional add-ons of the suite (each an app of its own, never needed by the others)."""
