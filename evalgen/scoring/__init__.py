"""Stage 3 — score, adjust, grade, rank and follow up: the rule table (`ruletable`) over exact
(`rules`) and vectorized (`vectorized`) twins, N/A redistribution (`redistribution`), the ranking
pass (`engine`), the exact lines on demand (`exact`), the frozen results (`scored`), the
follow-up condition table (`conditions`) and the follow-ups applied (`followups`).
"""
