"""The allocation model, built from the matcher's links: its columns, rows, scores and plans."""
