"""In-year following (evalgen progress): periods, status, the task ledger, milestones."""
