"""Stage 1 — the scoring model (考核细则): its shape (`schema`), loading with line numbers
(`loader`), and its meaning checks (`checks`).
"""
