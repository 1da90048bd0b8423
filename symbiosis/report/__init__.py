"""The committee report: its data (masked once), its words, its drawings, and HTML, Markdown or PDF."""
